import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApi, startApi, type TaskDetail } from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const punctualityOf = async (taskId: string) => {
  const response = await api.request<TaskDetail>('GET', `/api/tasks/${taskId}`);
  expect(response.status).toBe(200);
  return response.body.punctuality;
};

/** An ended run of `trigger`, due `minutesAgo`, whose first attempt started `lateMs` after that (none: never started). */
async function ranLate(
  taskId: string,
  minutesAgo: number,
  lateMs: number | null,
  trigger = 'schedule' as const,
) {
  const due = new Date(Date.now() - minutesAgo * 60_000);
  await api.database.runs.create({
    task_id: taskId,
    scheduled_for: due,
    trigger,
    status: lateMs === null ? 'skipped' : 'finish',
    started_at: lateMs === null ? null : new Date(due.getTime() + lateMs),
    finished_at: new Date(),
  });
}

test('GET /api/tasks/:id carries punctuality over its latest 100 schedule and dependency runs', async () => {
  const task = await api.createTask();
  expect(await punctualityOf(task.id)).toEqual({
    runs: 0,
    lateness_p50_ms: null,
    lateness_p99_ms: null,
    skipped: 0,
  });

  // Ten scheduled runs 10, 20, … 100 ms late, one skipped (no request), one chained run 1 s late.
  for (let i = 1; i <= 10; i++) await ranLate(task.id, 1000 - i, i * 10);
  await ranLate(task.id, 900, null);
  await api.database.runs.create({
    task_id: task.id,
    scheduled_for: new Date(Date.now() - 800 * 60_000),
    trigger: 'dependency',
    status: 'finish',
    started_at: new Date(Date.now() - 800 * 60_000 + 1000),
    finished_at: new Date(),
  });
  // A run now is no due instant: not counted, however long it waited.
  await api.database.runs.create({
    task_id: task.id,
    scheduled_for: new Date(Date.now() - 700 * 60_000),
    trigger: 'manual',
    status: 'finish',
    started_at: new Date(Date.now() - 600 * 60_000),
    finished_at: new Date(),
  });
  expect(await punctualityOf(task.id)).toEqual({
    runs: 12,
    // Over the 11 that started: 10 … 100 and 1000; the 99th percentile between the last two.
    lateness_p50_ms: 60,
    lateness_p99_ms: 910,
    skipped: 1,
  });

  // 100 newer runs, each 5 ms late: the older ones fall out of the window.
  for (let i = 0; i < 100; i++) await ranLate(task.id, 500 - i, 5);
  expect(await punctualityOf(task.id)).toEqual({
    runs: 100,
    lateness_p50_ms: 5,
    lateness_p99_ms: 5,
    skipped: 0,
  });
});
