import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

let system: SystemUnderTest;

beforeAll(async () => {
  // A slow receiver, so the delivery is surely in flight when the worker dies.
  system = await startSystem({ latencyMs: '3000', publishers: 0, workers: 1 });
});
afterAll(async () => system?.stop());

test('a worker killed mid-delivery: the attempt is redelivered on its own row and the task does not stay running', async () => {
  const task = await system.taskService.create({
    task_name: 'crash me',
    task_schedule: '0 0 1 1 *',
    webhook_url: system.webhookUrl,
    json_payload: { content: 'once' },
    max_retry: 0,
  });
  const run = await system.taskService.runNow(task.id);

  await waitFor('the delivery to reach the webhook', async () => (await system.dummyCount()) >= 1);
  const [first] = system.workers;
  expect(await first?.stop('SIGKILL')).toBe('SIGKILL');
  const inFlight = await system.database.attempts.listForTask(task.id, 10);
  expect(inFlight).toMatchObject([{ status: 'running', retry_count: 0 }]);

  await system.startWorker();
  await waitFor(
    'the run to end',
    async () => (await system.database.tasks.findById(task.id))?.task_status === 'ready',
    45_000,
  );

  const logs = await system.database.attempts.listForTask(task.id, 10);
  expect(logs).toHaveLength(1);
  expect(logs[0]).toMatchObject({ id: inFlight[0]?.id, status: 'finish', retry_count: 0, http_status: 200 });
  expect(logs[0]?.scheduled_for.getTime()).toBe(run.scheduled_for.getTime());
  expect(logs[0]?.run_id).toBe(run.id);
  expect(await system.database.runs.findById(run.id)).toMatchObject({ status: 'finish', attempt_count: 1 });
  expect(await system.dummyCount()).toBe(2);
});
