import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 200 });
});
afterAll(async () => system?.stop());

test('a webhook answering 404: one failed attempt, the task failed at once, no retry', async () => {
  const task = await system.taskService.create({
    task_name: 'wrong path',
    task_schedule: '* * * * * *',
    webhook_url: `${system.dummyUrl}/no-such-hook`,
    json_payload: { content: 'hi' },
    max_retry: 3,
  });

  await waitFor(
    'the task to fail',
    async () => (await system.database.tasks.findById(task.id))?.task_status === 'failed',
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const logs = await system.database.attempts.listForTask(task.id, 100);
  expect(logs).toHaveLength(1);
  expect(logs[0]).toMatchObject({ status: 'failed', retry_count: 0, http_status: 404 });
  expect(logs[0]?.message).toMatch(/not retryable/i);
});
