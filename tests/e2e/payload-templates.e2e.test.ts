import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';

/** SPEC §14: the receiver gets the payload with its placeholders rendered for each request. */
let system: SystemUnderTest;
let receiver: http.Server;
let url: string;
const received: unknown[] = [];
/** How many of the next requests the receiver answers 500 (to see a second attempt). */
let failNext = 0;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 200 });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(500).end('try again');
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await system?.stop();
});

test('each request carries the payload rendered for its run and attempt', async () => {
  const task = await system.taskService.create({
    task_name: 'Templated report',
    task_schedule: '0 0 1 1 *',
    timezone: 'Asia/Kolkata',
    webhook_url: url,
    json_payload: {
      content: '{{task_name}} run {{run_id}}, try {{ attempt }} ({{trigger}})',
      embeds: [{ fields: [{ name: 'due', value: '<t:{{scheduled_for_unix}}:R>' }] }],
      at: { utc: '{{scheduled_for}}', local: '{{scheduled_for_local}}', task: '{{task_id}}' },
      count: 3,
    },
    max_retry: 1,
  });

  failNext = 1;
  const run = await system.taskService.runNow(task.id);
  await waitFor('both attempts', async () => Promise.resolve(received.length >= 2));

  const due = new Date(run.scheduled_for);
  // Kolkata is UTC+05:30 all year.
  const local = new Date(due.getTime() + 5.5 * 3_600_000).toISOString().replace(/(\.000)?Z$/, '');
  const sent = (attempt: number) => ({
    content: `Templated report run ${run.id}, try ${attempt} (manual)`,
    embeds: [{ fields: [{ name: 'due', value: `<t:${Math.floor(due.getTime() / 1000)}:R>` }] }],
    at: { utc: due.toISOString(), local: `${local}+05:30`, task: task.id },
    count: 3,
  });
  expect(received).toEqual([sent(1), sent(2)]);
  // The task keeps its template: the next run is rendered again.
  expect((await system.taskService.get(task.id)).json_payload).toEqual(task.json_payload);
});
