import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApi, startApi } from '../api/api-harness';

// The late alarm (SPEC §15) with every publisher stopped: the API process watches too, and
// sends its alerts itself (§14) to ALERT_WEBHOOK_URL, here a local receiver.
let system: SystemUnderTest;
let api: RunningApi;
let alertReceiver: http.Server;
let alertUrl: string;
const alerts: { type: string; task: { id: string; task_name: string }; message: string }[] = [];

beforeAll(async () => {
  alertReceiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      alerts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof alerts)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => alertReceiver.listen(0, '127.0.0.1', resolve));
  alertUrl = `http://127.0.0.1:${(alertReceiver.address() as AddressInfo).port}/alerts`;
  system = await startSystem({ publishers: 0, workers: 1 });
  api = await startApi({
    env: () => ({
      DATABASE_URL: system.database.url,
      REDIS_PREFIX: system.prefix,
      LATE_ALERT_AFTER_MS: '1000',
      ALERT_WEBHOOK_URL: alertUrl,
    }),
  });
});
afterAll(async () => {
  await api?.stop();
  await system?.stop();
  await new Promise((resolve) => alertReceiver?.close(resolve));
});

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

test('no publisher: a due task is reported late once, and recovered once when a publisher fires it', async () => {
  const task = await system.taskService.create({
    task_name: 'nobody claims me',
    run_at: new Date(Date.now() + 500).toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { content: 'late' },
  });
  // (JSON logs escape the quotes around the name.)
  const late = new RegExp(`task\\.late: .{0,2}nobody claims me.{0,2} \\(${task.id}\\) is \\d+ s late`);
  await api.process.waitForOutput(late, 20_000);
  // Three more passes of the watch (5 s apart): still one alarm for this incident.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  expect(count(api.process.output(), late)).toBe(1);

  // Sent by the API itself: no publisher runs, and the worker has no ALERT_WEBHOOK_URL.
  expect(alerts).toMatchObject([{ type: 'task.late', task: { id: task.id, task_name: 'nobody claims me' } }]);
  expect(alerts[0]?.message).toMatch(/^"nobody claims me" is \d+ s late: due .* and not started/);

  const publisher = await system.startPublisher({ LATE_ALERT_AFTER_MS: '1000', ALERT_WEBHOOK_URL: alertUrl });
  await waitFor('the run to be delivered', async () => (await system.dummyCount()) === 1, 20_000);
  const recovered = new RegExp(`task\\.late_recovered: task ${task.id}`);
  await waitFor(
    'the recovery, from the API or the publisher',
    async () => count(api.process.output() + publisher.output(), recovered) === 1,
    20_000,
  );
  // Deduplicated across the two watchers: the publisher raised no second alarm.
  expect(count(publisher.output(), late)).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  expect(count(api.process.output() + publisher.output(), recovered)).toBe(1);
  expect(alerts.map((alert) => alert.type)).toEqual(['task.late', 'task.late_recovered']);
  expect(alerts[1]).toMatchObject({ task: { id: task.id, task_name: 'nobody claims me' } });
  for (const alert of alerts) console.log(`ALERT_WEBHOOK_URL (JSON) received:\n${JSON.stringify(alert)}`);
});
