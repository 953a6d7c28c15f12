import { runFor } from '@scheduler/test-support';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  anyString,
  type ApiErrorBody,
  errorShape,
  type LogPage,
  type RunningApi,
  startApi,
  type Task,
  type TaskPage,
} from './api-harness';

let api: RunningApi;
/** 25 tasks: "task 01" … "task 25", created in that order. */
const tasks: Task[] = [];

beforeAll(async () => {
  api = await startApi();
  for (let i = 1; i <= 25; i++) {
    const name = `task ${String(i).padStart(2, '0')}`;
    // Every third one paused; schedules spread over the day so next_run_at differs.
    tasks.push(
      await api.createTask({ task_name: name, task_schedule: `${i} ${i % 24} * * *`, enabled: i % 3 !== 0 }),
    );
  }
  await api.database.tasks.update(tasks[4]!.id, { task_status: 'failed' });
  await api.database.tasks.update(tasks[5]!.id, { task_status: 'failed' });
  // Two attempts of task 01 (the latest failed), one of task 02.
  await recordAttempt(tasks[0]!.id, '2025-01-01T09:00:00Z', 'finish', 200, 0);
  await recordAttempt(tasks[0]!.id, '2025-01-02T09:00:00Z', 'failed', 503, 0);
  await recordAttempt(tasks[0]!.id, '2025-01-02T09:00:00Z', 'failed', 500, 1);
  await recordAttempt(tasks[1]!.id, '2025-01-03T09:00:00Z', 'finish', 204, 0);
});
afterAll(async () => api?.stop());

async function recordAttempt(
  taskId: string,
  due: string,
  status: 'finish' | 'failed',
  httpStatus: number,
  retryCount: number,
) {
  const attempt = await api.database.attempts.insertAttempt({
    taskId,
    scheduledFor: new Date(due),
    retryCount,
    runId: await runFor(api.database, taskId, new Date(due)),
  });
  await api.database.attempts.finishAttempt(
    {
      attemptId: attempt!.id,
      status,
      executionTime: 100 + retryCount,
      httpStatus,
      message: `HTTP ${httpStatus}`,
    },
    { kind: 'continues' },
  );
}

const list = async (query: string) => (await api.request<TaskPage>('GET', `/api/tasks${query}`)).body;

describe('GET /api/tasks paging', () => {
  test('defaults: page 1 of 20, newest first, meta as integers', async () => {
    const page = await list('');
    expect(page.meta).toEqual({ page: 1, limit: 20, total: 25, total_pages: 2 });
    expect(page.data).toHaveLength(20);
    expect(page.data[0]!.task_name).toBe('task 25');
  });

  test('the last page holds the rest; a page past the end is empty with the same meta', async () => {
    expect((await list('?page=2')).data).toHaveLength(5);
    const past = await list('?page=9');
    expect(past.data).toEqual([]);
    expect(past.meta).toEqual({ page: 9, limit: 20, total: 25, total_pages: 2 });
  });

  test('limit 100 is allowed; 101 is refused saying the range', async () => {
    expect((await list('?limit=100')).data).toHaveLength(25);
    const refused = await api.request<ApiErrorBody>('GET', '/api/tasks?limit=101');
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(refused.body.error.details.limit).toBe('expected a page size from 1 to 100, got 101');
  });

  test('pages do not overlap and together hold every task', async () => {
    const seen = new Set<string>();
    for (let page = 1; page <= 4; page++) {
      for (const task of (await list(`?limit=7&page=${page}&sort=task_name&order=asc`)).data)
        seen.add(task.id);
    }
    expect(seen.size).toBe(25);
    expect((await list('?limit=7')).meta.total_pages).toBe(4);
  });

  test.each([
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['limit=0', 'limit'],
    ['limit=-5', 'limit'],
    ['task_status=paused', 'task_status'],
    ['enabled=maybe', 'enabled'],
    ['sort=id', 'sort'],
    ['order=up', 'order'],
    ['stauts=failed', 'stauts'],
  ])('?%s is refused, naming %s and what was expected', async (query, field) => {
    const response = await api.request<ApiErrorBody>('GET', `/api/tasks?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.details[field]).toMatch(/expected/);
  });
});

describe('GET /api/tasks sorting and filters', () => {
  test('sort by task_name both ways', async () => {
    expect((await list('?sort=task_name&order=asc&limit=3')).data.map((t) => t.task_name)).toEqual([
      'task 01',
      'task 02',
      'task 03',
    ]);
    expect((await list('?sort=task_name&order=desc&limit=2')).data.map((t) => t.task_name)).toEqual([
      'task 25',
      'task 24',
    ]);
  });

  test('sort by next_run_at ascending is in time order', async () => {
    const instants = (await list('?sort=next_run_at&order=asc&limit=100')).data.map((t) =>
      Date.parse(t.next_run_at!),
    );
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
  });

  test('filter by status, enabled and name', async () => {
    expect((await list('?task_status=failed')).data.map((t) => t.task_name).sort()).toEqual([
      'task 05',
      'task 06',
    ]);
    expect((await list('?enabled=false')).meta.total).toBe(8);
    expect((await list('?enabled=true')).meta.total).toBe(17);
    expect((await list('?search=TASK 1')).meta.total).toBe(10);
    expect(
      (await list('?search=task 2&enabled=false&sort=task_name&order=asc')).data.map((t) => t.task_name),
    ).toEqual(['task 21', 'task 24']);
    expect((await list('?search=%25')).meta.total).toBe(0);
    expect((await list('?search=')).meta.total).toBe(25);
  });

  test('each item carries its latest attempt, or null', async () => {
    const items = (await list('?sort=task_name&order=asc&limit=3')).data;
    expect(items[0]!.last_attempt).toEqual({
      status: 'failed',
      http_status: 500,
      execution_time: 101,
      created_at: anyString(),
    });
    expect(items[1]!.last_attempt).toMatchObject({ status: 'finish', http_status: 204 });
    expect(items[2]!.last_attempt).toBeNull();
    expect(items[0]).not.toHaveProperty('job_id');
  });
});

describe('GET /api/tasks/:id/logs and GET /api/logs', () => {
  test("a task's logs, newest first, paged", async () => {
    const response = await api.request<LogPage>('GET', `/api/tasks/${tasks[0]!.id}/logs?limit=2`);
    expect(response.status).toBe(200);
    expect(response.body.meta).toEqual({ page: 1, limit: 2, total: 3, total_pages: 2 });
    expect(response.body.data.map((log) => [log.http_status, log.retry_count])).toEqual([
      [500, 1],
      [503, 0],
    ]);
    expect(response.body.data[0]).toMatchObject({
      task_id: tasks[0]!.id,
      task_name: 'task 01',
      status: 'failed',
      message: 'HTTP 500',
    });
  });

  test("a task's logs filtered by status", async () => {
    const response = await api.request<LogPage>('GET', `/api/tasks/${tasks[0]!.id}/logs?status=finish`);
    expect(response.body.data.map((log) => log.http_status)).toEqual([200]);
  });

  test('logs of a task that does not exist: 404', async () => {
    const response = await api.request('GET', '/api/tasks/00000000-0000-0000-0000-000000000000/logs');
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorShape('NOT_FOUND'));
  });

  test("all logs, each with its task's name, and filtered by task, status and time", async () => {
    const all = (await api.request<LogPage>('GET', '/api/logs')).body;
    expect(all.meta.total).toBe(4);
    // Newest first: task 02's attempt, then task 01's three.
    expect(all.data.map((log) => log.task_name)).toEqual(['task 02', 'task 01', 'task 01', 'task 01']);
    expect((await api.request<LogPage>('GET', `/api/logs?task_id=${tasks[1]!.id}`)).body.data).toHaveLength(
      1,
    );
    expect((await api.request<LogPage>('GET', '/api/logs?status=failed')).body.meta.total).toBe(2);
    const now = new Date();
    const from = new Date(now.getTime() - 3600_000).toISOString();
    const to = new Date(now.getTime() + 3600_000).toISOString();
    expect((await api.request<LogPage>('GET', `/api/logs?from=${from}&to=${to}`)).body.meta.total).toBe(4);
    expect((await api.request<LogPage>('GET', `/api/logs?to=${from}`)).body.meta.total).toBe(0);
    expect((await api.request<LogPage>('GET', '/api/logs?from=2999-01-01')).body.meta.total).toBe(0);
    // A date alone as "to" means through the end of that day: the newest attempt's day holds it and all before.
    const newestDay = all.data[0]!.created_at.slice(0, 10);
    expect((await api.request<LogPage>('GET', `/api/logs?to=${newestDay}`)).body.meta.total).toBe(4);
  });

  test.each([
    ['task_id=42', 'task_id', /UUID/],
    ['from=yesterday', 'from', /ISO 8601/],
    ['from=2025-02-01&to=2025-01-01', 'to', /at or after "from"/],
    ['status=ok', 'status', /running, finish, failed/],
    ['limit=101', 'limit', /1 to 100/],
  ])('?%s is refused naming %s', async (query, field, message) => {
    const response = await api.request<ApiErrorBody>('GET', `/api/logs?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.details[field]).toMatch(message);
  });
});
