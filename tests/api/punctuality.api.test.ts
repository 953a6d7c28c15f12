import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApi, startApi, type TaskDetail, type TaskPage } from './api-harness';

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

test('lateness counts from when a run came due: a jittered run from its due_at, not its nominal instant', async () => {
  const task = await api.createTask({ task_name: 'jittered lateness' });
  const nominal = new Date(Date.now() - 60 * 60_000);
  // Came due 20 s after its nominal instant (jitter), its request went out 30 ms after that.
  await api.database.runs.create({
    task_id: task.id,
    scheduled_for: nominal,
    due_at: new Date(nominal.getTime() + 20_000),
    trigger: 'schedule',
    status: 'finish',
    started_at: new Date(nominal.getTime() + 20_030),
    finished_at: new Date(),
  });
  expect(await punctualityOf(task.id)).toMatchObject({ runs: 1, lateness_p50_ms: 30, lateness_p99_ms: 30 });
  const listed = await api.request<TaskPage>('GET', `/api/tasks?search=jittered lateness`);
  expect(listed.body.data.map((t) => t.lateness_p99_ms)).toEqual([30]);
});

test('the task list carries lateness_p99_ms and sorts by it, tasks without one last either way', async () => {
  const early = await api.createTask({ task_name: 'lateness sort: early' });
  const late = await api.createTask({ task_name: 'lateness sort: late' });
  const never = await api.createTask({ task_name: 'lateness sort: never' });
  const middle = await api.createTask({ task_name: 'lateness sort: middle' });
  for (let i = 1; i <= 3; i++) await ranLate(early.id, 100 - i, 2);
  await ranLate(late.id, 90, 4000);
  await ranLate(late.id, 89, 3000);
  await ranLate(middle.id, 80, 250);
  // Skipped only: no request, no lateness.
  await ranLate(never.id, 70, null);

  const list = async (query: string) => {
    const response = await api.request<TaskPage>('GET', `/api/tasks?search=lateness sort&${query}`);
    expect(response.status).toBe(200);
    return response.body.data.map((task) => [
      task.task_name.replace('lateness sort: ', ''),
      task.lateness_p99_ms,
    ]);
  };
  expect(await list('sort=lateness_p99_ms&order=desc')).toEqual([
    ['late', 3990],
    ['middle', 250],
    ['early', 2],
    ['never', null],
  ]);
  expect(await list('sort=lateness_p99_ms&order=asc')).toEqual([
    ['early', 2],
    ['middle', 250],
    ['late', 3990],
    ['never', null],
  ]);
  // Paged: the sort holds across pages.
  expect(await list('sort=lateness_p99_ms&order=asc&limit=2&page=2')).toEqual([
    ['late', 3990],
    ['never', null],
  ]);
  // Any other sort carries it too, for the page's rows, and agrees with the task's punctuality.
  const byName = await list('sort=task_name&order=asc');
  expect(byName).toEqual([
    ['early', 2],
    ['late', 3990],
    ['middle', 250],
    ['never', null],
  ]);
  expect((await punctualityOf(late.id)).lateness_p99_ms).toBe(3990);
});
