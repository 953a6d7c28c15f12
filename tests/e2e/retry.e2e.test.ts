import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

// Seed 000's phase 1, end to end: an every-second task against the dummy
// webhook, which answers 500 to its 7th and 11th requests.
let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem({ failOn: '7,11', retryBackoffMs: 300 });
});
afterAll(async () => system?.stop());

test('the 7th and 11th requests fail with 500 and are retried once each, then the task keeps firing', async () => {
  const task = await system.taskService.create({
    task_name: 'every second',
    task_schedule: '* * * * * *',
    webhook_url: system.webhookUrl,
    json_payload: { content: 'tick' },
    max_retry: 1,
  });

  await waitFor('13 requests at the dummy webhook', async () => (await system.dummyCount()) >= 13, 60_000);
  await waitFor('the 13th attempt to finish', async () => {
    const logs = await system.database.attempts.listForTask(task.id, 100);
    return logs.filter((log) => log.status !== 'running').length >= 13;
  });

  const logs = (await system.database.attempts.listForTask(task.id, 100)).reverse();
  const failed = logs.filter((log) => log.status === 'failed');
  expect(failed.map((log) => [log.http_status, log.retry_count])).toEqual([
    [500, 0],
    [500, 0],
  ]);
  for (const failure of failed) {
    const retry = logs.find(
      (log) => log.scheduled_for.getTime() === failure.scheduled_for.getTime() && log.retry_count === 1,
    );
    expect(retry, `a retry for ${failure.scheduled_for.toISOString()}`).toMatchObject({
      status: 'finish',
      http_status: 200,
    });
    expect(failure.execution_time).toBeGreaterThanOrEqual(0);
    expect(failure.message).toContain('HTTP 500');
  }
  // The 7th request is the 7th attempt: six first attempts succeeded before it.
  expect(logs.slice(0, 6).every((log) => log.status === 'finish' && log.retry_count === 0)).toBe(true);
  expect(logs[6]).toMatchObject({ status: 'failed', retry_count: 0, http_status: 500 });

  const current = await system.database.tasks.findById(task.id);
  expect(current?.task_status).not.toBe('failed');
  expect(current?.next_run_at?.getTime()).toBeGreaterThan(Date.now() - 2000);
});
