import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort, startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 200 });
});
afterAll(async () => system?.stop());

test('a webhook on a closed port: three failed attempts (0, 1, 2), then the task is failed and fires no more', async () => {
  const closedPort = await freePort();
  const task = await system.taskService.create({
    task_name: 'nobody listens',
    task_schedule: '* * * * * *',
    webhook_url: `http://127.0.0.1:${closedPort}/hook`,
    json_payload: { content: 'hello?' },
    max_retry: 2,
  });

  await waitFor(
    'the task to fail',
    async () => (await system.database.tasks.findById(task.id))?.task_status === 'failed',
  );
  // Long enough for further fires, had the task stayed schedulable.
  await new Promise((resolve) => setTimeout(resolve, 2500));

  const logs = (await system.database.attempts.listForTask(task.id, 100)).reverse();
  expect(logs.map((log) => [log.status, log.retry_count, log.http_status])).toEqual([
    ['failed', 0, null],
    ['failed', 1, null],
    ['failed', 2, null],
  ]);
  expect(new Set(logs.map((log) => log.scheduled_for.getTime())).size).toBe(1);
  expect(logs[0]?.message).toMatch(/ECONNREFUSED/);
  // Said once: what the last attempt met, then why the run ends.
  expect(logs[2]?.message).toMatch(/^[^—]*ECONNREFUSED[^—]* — gave up after 3 attempts$/);
  const current = await system.database.tasks.findById(task.id);
  expect(current).toMatchObject({ task_status: 'failed', job_id: null });
  // Its one run: failed after three attempts, saying why, and every attempt belongs to it.
  const { rows: runs } = await system.database.runs.list({ page: 1, limit: 10, taskId: task.id });
  expect(runs).toMatchObject([
    { trigger: 'schedule', status: 'failed', attempt_count: 3, http_status: null },
  ]);
  expect(runs[0]?.message).toMatch(/ — gave up after 3 attempts$/);
  expect(new Set(logs.map((log) => log.run_id))).toEqual(new Set([runs[0]?.id]));
});
