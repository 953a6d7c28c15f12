import { runFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApi, startApi, type Stats, type Task } from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const HOUR = 3600_000;

/** An attempt with a known status, moved `hoursAgo` into the past. */
async function attemptHoursAgo(
  taskId: string,
  hoursAgo: number,
  status: 'finish' | 'failed' | 'running',
  ms = 100,
) {
  const scheduledFor = new Date(Date.now() - hoursAgo * HOUR - Math.random() * 1000);
  const attempt = await api.database.attempts.insertAttempt({
    taskId,
    scheduledFor,
    retryCount: 0,
    runId: await runFor(api.database, taskId, scheduledFor, { status, finishedAt: scheduledFor }),
  });
  if (status !== 'running') {
    await api.database.attempts.finishAttempt(
      {
        attemptId: attempt!.id,
        status,
        executionTime: ms,
        httpStatus: status === 'finish' ? 200 : 500,
        message: '',
      },
      { kind: 'continues' },
    );
  }
  // Test setup only: the attempt's start, as if it had run then.
  await api.database.db
    .updateTable('task_logs')
    .set({ created_at: scheduledFor })
    .where('id', '=', attempt!.id)
    .execute();
}

test('GET /api/dashboard/stats counts tasks, the last 24 h of attempts by hour, and the queue', async () => {
  const created: Task[] = [];
  for (let i = 0; i < 5; i++) {
    created.push(await api.createTask({ enabled: i < 4 }));
  }
  await api.database.tasks.update(created[0]!.id, { task_status: 'failed' });
  expect((await api.request('POST', `/api/tasks/${created[1]!.id}/execute`)).status).toBe(202);

  const id = created[2]!.id;
  await attemptHoursAgo(id, 0, 'finish', 100);
  await attemptHoursAgo(id, 0, 'finish', 300);
  await attemptHoursAgo(id, 0, 'running');
  await attemptHoursAgo(id, 2, 'failed', 200);
  await attemptHoursAgo(id, 23.5, 'finish', 400);
  await attemptHoursAgo(id, 30, 'failed', 900); // older than 24 h: not counted

  const before = Date.now();
  const response = await api.request<Stats>('GET', '/api/dashboard/stats');
  const after = Date.now();
  expect(response.status).toBe(200);
  const stats = response.body;
  expect(Object.keys(stats).sort()).toEqual([
    'avg_execution_time_ms_24h',
    'executions_24h',
    'executions_per_hour',
    'queue',
    'success_rate_24h',
    'tasks',
  ]);
  expect(stats.tasks).toEqual({ total: 5, ready: 3, running: 1, failed: 1, enabled: 4, disabled: 1 });
  expect(stats.executions_24h).toEqual({ total: 5, finish: 3, failed: 1, running: 1 });
  expect(stats.success_rate_24h).toBe(0.75);
  expect(stats.avg_execution_time_ms_24h).toBe(250);
  expect(stats.queue).toEqual({ waiting: 1, active: 0, delayed: 0, failed: 0 });

  const hours = stats.executions_per_hour;
  expect(hours).toHaveLength(24);
  // The last bucket is the hour of the request (which may have turned while it ran).
  const currentHour = Date.parse(hours[23]!.hour);
  expect([before, after].map((instant) => Math.floor(instant / HOUR) * HOUR)).toContain(currentHour);
  expect(hours.map((bucket) => Date.parse(bucket.hour))).toEqual(
    Array.from({ length: 24 }, (_, i) => currentHour - (23 - i) * HOUR),
  );
  expect(hours[0]!.hour).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);
  const totals = hours.reduce(
    (sum, bucket) => ({ finish: sum.finish + bucket.finish, failed: sum.failed + bucket.failed }),
    {
      finish: 0,
      failed: 0,
    },
  );
  // The attempt 23.5 h ago falls before the first bucket when the current hour is young.
  expect(totals.failed).toBe(1);
  expect([2, 3]).toContain(totals.finish);
  expect(hours[23]!.finish).toBeGreaterThanOrEqual(1);
});

test('the success rate counts runs, not attempts: a 500 healed by its retry is one successful run', async () => {
  const fresh = await startApi();
  try {
    const task = await fresh.createTask();
    const scheduledFor = new Date(Date.now() - HOUR);
    const runId = await runFor(fresh.database, task.id, scheduledFor, {
      status: 'finish',
      finishedAt: scheduledFor,
    });
    for (const [retryCount, status] of [
      [0, 'failed'],
      [1, 'finish'],
    ] as const) {
      const attempt = await fresh.database.attempts.insertAttempt({
        taskId: task.id,
        scheduledFor,
        retryCount,
        runId,
      });
      await fresh.database.attempts.finishAttempt(
        {
          attemptId: attempt!.id,
          status,
          executionTime: 10,
          httpStatus: status === 'finish' ? 200 : 500,
          message: '',
        },
        { kind: 'continues' },
      );
    }
    const cancelled = new Date(Date.now() - 2 * HOUR);
    await runFor(fresh.database, task.id, cancelled, { status: 'cancelled', finishedAt: cancelled });
    const stats = (await fresh.request<Stats>('GET', '/api/dashboard/stats')).body;
    expect(stats.executions_24h).toMatchObject({ total: 2, finish: 1, failed: 1 });
    // One run delivered, none failed; a cancelled run is no verdict on delivery.
    expect(stats.success_rate_24h).toBe(1);
  } finally {
    await fresh.stop();
  }
});

test('with nothing yet: zeros, and null rates rather than NaN', async () => {
  const empty = await startApi();
  try {
    const stats = (await empty.request<Stats>('GET', '/api/dashboard/stats')).body;
    expect(stats.tasks.total).toBe(0);
    expect(stats.success_rate_24h).toBeNull();
    expect(stats.avg_execution_time_ms_24h).toBeNull();
    expect(stats.executions_per_hour.every((bucket) => bucket.finish === 0 && bucket.failed === 0)).toBe(
      true,
    );
  } finally {
    await empty.stop();
  }
});
