import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type DiscordReceiver,
  startDiscordReceiver,
  startSystem,
  type SystemUnderTest,
  waitFor,
} from '@scheduler/test-support';

let system: SystemUnderTest;
let discord: DiscordReceiver;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 200 });
  discord = await startDiscordReceiver();
});
afterAll(async () => {
  await discord?.close();
  await system?.stop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a Discord webhook answering 404 Unknown Webhook (10015) disables its task: one attempt, no retry; enabling it again clears the reason and it delivers', async () => {
  discord.answerNext('101', 1, { status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
  const task = await system.taskService.create({
    task_name: 'deleted discord webhook',
    task_schedule: '* * * * * *',
    webhook_url: discord.webhookUrl('101'),
    json_payload: { content: 'hi' },
    max_retry: 3,
  });

  await waitFor(
    'the task to be disabled',
    async () => (await system.database.tasks.findById(task.id))?.enabled === false,
  );
  await pause(2000);
  const disabled = await system.database.tasks.findById(task.id);
  expect(disabled).toMatchObject({ enabled: false, task_status: 'failed' });
  expect(disabled?.disabled_reason).toMatch(/Discord answered HTTP 404 with code 10015 \(Unknown Webhook/);
  // Not retried, and not run again while disabled.
  expect(discord.requests.filter((r) => r.webhookId === '101')).toHaveLength(1);
  const attempts = await system.database.attempts.listForTask(task.id, 10);
  expect(attempts).toMatchObject([{ status: 'failed', http_status: 404, retry_count: 0 }]);
  const { current, last } = await system.database.runs.currentAndLast(task.id);
  expect(current).toBeNull();
  expect(last).toMatchObject({ status: 'failed' });
  expect(last?.message).toMatch(/the webhook is gone, and its task is disabled/);

  // The receiver answers 204 again (the webhook was made anew): enabling resumes the task.
  const enabled = await system.taskService.update(task.id, { enabled: true });
  expect(enabled).toMatchObject({ enabled: true, disabled_reason: null, task_status: 'ready' });
  await waitFor('a delivery after enabling', () => Promise.resolve(discord.delivered('101') >= 1));
});

test('any webhook answering 410 Gone disables its task', async () => {
  const requests: string[] = [];
  const gone = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(410, { 'content-type': 'text/plain' }).end('this hook was removed');
  });
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = gone.address() as AddressInfo;
    const task = await system.taskService.create({
      task_name: 'removed hook',
      task_schedule: '* * * * * *',
      webhook_url: `http://127.0.0.1:${port}/hooks/removed`,
      json_payload: { text: 'hi' },
      max_retry: 5,
    });
    await waitFor(
      'the task to be disabled',
      async () => (await system.database.tasks.findById(task.id))?.enabled === false,
    );
    await pause(1500);
    expect(requests).toHaveLength(1);
    expect(await system.database.tasks.findById(task.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'the webhook answered HTTP 410 Gone: it no longer exists',
    });
  } finally {
    await new Promise((resolve) => gone.close(resolve));
  }
});

test('an ordinary 404 fails the task but leaves it enabled', async () => {
  const task = await system.taskService.create({
    task_name: 'wrong path',
    task_schedule: '* * * * * *',
    webhook_url: `${system.dummyUrl}/no-such-hook`,
    json_payload: { content: 'hi' },
    max_retry: 0,
  });
  await waitFor(
    'the task to fail',
    async () => (await system.database.tasks.findById(task.id))?.task_status === 'failed',
  );
  expect(await system.database.tasks.findById(task.id)).toMatchObject({
    enabled: true,
    disabled_reason: null,
  });
});
