import { runFor } from '@scheduler/test-support';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  anyString,
  errorShape,
  type Run,
  stringContaining,
  stringMatching,
  type RunningApi,
  startApi,
  type Task,
  type TaskDetail,
  taskInput,
} from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const createTask = (overrides?: Record<string, unknown>) => api.createTask(overrides);

/** Records a finished attempt through the real repository, as the worker does. */
async function recordAttempt(
  taskId: string,
  scheduledFor: Date,
  status: 'finish' | 'failed',
  httpStatus: number,
) {
  const attempt = await api.database.attempts.insertAttempt({
    taskId,
    scheduledFor,
    retryCount: 0,
    runId: await runFor(api.database, taskId, scheduledFor),
  });
  await api.database.attempts.finishAttempt(
    { attemptId: attempt!.id, status, executionTime: 120, httpStatus, message: `HTTP ${httpStatus}` },
    { kind: 'continues' },
  );
}

describe('POST /api/tasks', () => {
  test('creates the task and answers 201 with the task object itself, defaults filled in', async () => {
    const response = await api.request<Task>('POST', '/api/tasks', { body: taskInput() });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: stringMatching(/^[0-9a-f-]{36}$/),
      task_name: 'Daily report',
      task_schedule: '0 9 * * *',
      webhook_url: 'http://127.0.0.1:9/webhook',
      json_payload: { content: 'The daily report is ready.' },
      max_retry: 3,
      priority: 5,
      task_status: 'ready',
      enabled: true,
      timezone: 'UTC',
      next_run_at: stringMatching(/T09:00:00\.000Z$/),
      last_run_at: null,
      run_at: null,
      created_at: anyString(),
      updated_at: anyString(),
      starts_at: null,
      ends_at: null,
      paused_until: null,
      deliver_within_ms: null,
      catch_up: 'latest',
      jitter_ms: 0,
      http_method: 'POST',
      headers: {},
      timeout_ms: null,
      alert_url: null,
      disabled_reason: null,
      depends_on: [],
      dependencies: [],
      // The next 5 instants it comes due: 09:00 UTC, day after day.
      next_runs: [0, 1, 2, 3, 4].map((day) =>
        new Date(Date.parse(response.body.next_run_at!) + day * 24 * 3600_000).toISOString(),
      ),
      // Only this answer (and GET …/secret) carries it (SPEC §14).
      signing_secret: stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const stored = await api.database.tasks.findById(response.body.id);
    expect(stored?.task_name).toBe('Daily report');
  });

  test('reads the schedule in the task timezone: 09:00 in Tokyo is 00:00 UTC, within the next day', async () => {
    const task = await createTask({ task_schedule: '0 9 * * *', timezone: 'Asia/Tokyo' });
    expect(task.next_run_at).toMatch(/T00:00:00\.000Z$/);
    const inMs = Date.parse(task.next_run_at!) - Date.now();
    expect(inMs).toBeGreaterThan(0);
    expect(inMs).toBeLessThanOrEqual(24 * 3600_000);
  });

  test('keeps a payload that is an array, and max_retry, enabled as given', async () => {
    const task = await createTask({ json_payload: [1, { a: 'b' }], max_retry: 0, enabled: false });
    expect(task).toMatchObject({ json_payload: [1, { a: 'b' }], max_retry: 0, enabled: false });
  });
});

describe('json_payload as written', () => {
  test('comes back with its keys in the order sent, nested too, from create, get, list and update', async () => {
    // A JavaScript object keeps the order its string keys were written in, and so does its JSON.
    const written = '{"b":2,"aa":1,"nested":{"zz":1,"a":{"ccc":1,"d":2}},"list":[{"yy":1,"x":2}]}';
    const created = await api.request<Task>('POST', '/api/tasks', {
      body: taskInput({ json_payload: JSON.parse(written) }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;

    const got = await api.request<TaskDetail>('GET', `/api/tasks/${id}`);
    const listed = await api.request<{ data: Task[] }>('GET', '/api/tasks?limit=100');
    const changed = '{"zzz":[{"bb":1,"a":2}],"y":true}';
    const updated = await api.request<Task>('PATCH', `/api/tasks/${id}`, {
      body: `{"json_payload":${changed}}`,
    });

    expect(JSON.stringify(created.body.json_payload)).toBe(written);
    expect(JSON.stringify(got.body.json_payload)).toBe(written);
    expect(JSON.stringify(listed.body.data.find((t) => t.id === id)?.json_payload)).toBe(written);
    expect(updated.status).toBe(200);
    expect(JSON.stringify(updated.body.json_payload)).toBe(changed);
  });
});

describe('GET /api/tasks/:id', () => {
  test('answers the task with its latest attempts, newest first', async () => {
    const task = await createTask();
    await recordAttempt(task.id, new Date('2025-01-01T09:00:00Z'), 'failed', 500);
    await recordAttempt(task.id, new Date('2025-01-02T09:00:00Z'), 'finish', 200);
    const response = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: task.id, task_name: task.task_name });
    expect(response.body.logs.map((log) => [log.status, log.http_status])).toEqual([
      ['finish', 200],
      ['failed', 500],
    ]);
    expect(response.body.logs[0]).toMatchObject({
      task_id: task.id,
      retry_count: 0,
      execution_time: 120,
      message: 'HTTP 200',
      scheduled_for: '2025-01-02T09:00:00.000Z',
    });
    expect(response.body).not.toHaveProperty('job_id');
  });

  test.each(['00000000-0000-0000-0000-000000000000', 'not-a-uuid', '1', 'x'.repeat(150)])(
    '404 NOT_FOUND for %s',
    async (id) => {
      const response = await api.request('GET', `/api/tasks/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual(errorShape('NOT_FOUND'));
    },
  );
});

describe('PATCH /api/tasks/:id', () => {
  test('changes only the fields given and answers the updated task', async () => {
    const task = await createTask();
    const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_name: 'Renamed', json_payload: { v: 2 } },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      task_name: 'Renamed',
      json_payload: { v: 2 },
      next_run_at: task.next_run_at,
    });
    expect(Date.parse(response.body.updated_at)).toBeGreaterThan(Date.parse(task.updated_at));
  });

  test('a new timezone recomputes next_run_at: 09:00 in New York is 13:00 or 14:00 UTC', async () => {
    const task = await createTask({ task_schedule: '0 9 * * *' });
    const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { timezone: 'America/New_York' },
    });
    expect(response.status).toBe(200);
    expect(response.body.next_run_at).toMatch(/T1[34]:00:00\.000Z$/);
  });

  test('a new schedule recomputes next_run_at', async () => {
    const task = await createTask({ task_schedule: '0 9 * * *' });
    const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_schedule: '30 17 * * *' },
    });
    expect(response.body.next_run_at).toMatch(/T17:30:00\.000Z$/);
  });

  test('task_status "ready" re-arms a failed task from now', async () => {
    const task = await createTask({ task_schedule: '*/5 * * * *' });
    await api.database.tasks.update(task.id, {
      task_status: 'failed',
      next_run_at: new Date('2020-01-01T00:00:00Z'),
    });
    const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_status: 'ready' },
    });
    expect(response.status).toBe(200);
    expect(response.body.task_status).toBe('ready');
    expect(Date.parse(response.body.next_run_at!)).toBeGreaterThan(Date.now());
  });

  test.each(['failed', 'running'])(
    'task_status "%s" by hand is refused with VALIDATION_ERROR',
    async (status) => {
      const task = await createTask();
      const response = await api.request('PATCH', `/api/tasks/${task.id}`, { body: { task_status: status } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
      expect(response.body).toMatchObject({
        error: { details: { task_status: stringContaining('only "ready"') } },
      });
    },
  );

  test('re-arming a task that is running is a 409 CONFLICT', async () => {
    const task = await createTask();
    await api.database.tasks.update(task.id, { task_status: 'running' });
    const response = await api.request('PATCH', `/api/tasks/${task.id}`, { body: { task_status: 'ready' } });
    expect(response.status).toBe(409);
    expect(response.body).toEqual(errorShape('CONFLICT'));
  });

  test('enabled: true resumes a paused task from now, as toggle does: instants missed meanwhile are skipped', async () => {
    const task = await createTask({ task_schedule: '0 0 * * *', enabled: false });
    await api.database.tasks.update(task.id, { next_run_at: new Date('2020-01-01T00:00:00Z') });
    const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { body: { enabled: true } });
    expect(response.status).toBe(200);
    expect(response.body.enabled).toBe(true);
    expect(Date.parse(response.body.next_run_at!)).toBeGreaterThan(Date.now());
  });

  test('re-arming while a run-now starts the task: 200, 202 or 409, never a server error', async () => {
    const task = await createTask();
    const answers = new Set<number>();
    for (let round = 0; round < 20; round += 1) {
      // The previous round's run ends (as its worker would end it), leaving the task failed.
      await api.database.runs.cancel({ taskId: task.id }, 'ended by the test', 'ended by the test');
      await api.database.tasks.update(task.id, { task_status: 'failed', job_id: null });
      const [rearm, run] = await Promise.all([
        api.request('PATCH', `/api/tasks/${task.id}`, { body: { task_status: 'ready' } }),
        api.request('POST', `/api/tasks/${task.id}/execute`),
      ]);
      answers.add(rearm.status).add(run.status);
      expect([200, 409]).toContain(rearm.status);
      expect(run.status).toBe(202);
      expect((await api.database.tasks.findById(task.id))?.task_status).toBe('running');
    }
    expect(answers.has(202)).toBe(true);
  });

  test('404 for a task that does not exist', async () => {
    const response = await api.request('PATCH', '/api/tasks/00000000-0000-0000-0000-000000000000', {
      body: { task_name: 'x' },
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorShape('NOT_FOUND'));
  });
});

describe('DELETE /api/tasks/:id', () => {
  test('answers 204 with no body; the task and its logs are gone', async () => {
    const task = await createTask();
    await recordAttempt(task.id, new Date('2025-01-01T09:00:00Z'), 'finish', 200);
    const response = await api.request('DELETE', `/api/tasks/${task.id}`);
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect((await api.request('GET', `/api/tasks/${task.id}`)).status).toBe(404);
    expect(await api.database.attempts.listForTask(task.id, 10)).toEqual([]);
    expect((await api.request('DELETE', `/api/tasks/${task.id}`)).status).toBe(404);
  });

  test('deletes a task that is running', async () => {
    const task = await createTask();
    expect((await api.request('POST', `/api/tasks/${task.id}/execute`)).status).toBe(202);
    expect((await api.request('DELETE', `/api/tasks/${task.id}`)).status).toBe(204);
  });
});

describe('POST /api/tasks/:id/toggle', () => {
  test('flips enabled and answers the task, with an empty JSON body', async () => {
    const task = await createTask();
    const paused = await api.request<Task>('POST', `/api/tasks/${task.id}/toggle`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(paused.status).toBe(200);
    expect(paused.body.enabled).toBe(false);
    const resumed = await api.request<Task>('POST', `/api/tasks/${task.id}/toggle`);
    expect(resumed.body.enabled).toBe(true);
    expect(Date.parse(resumed.body.next_run_at!)).toBeGreaterThan(Date.now());
  });

  test('404 for a task that does not exist', async () => {
    const response = await api.request('POST', '/api/tasks/00000000-0000-0000-0000-000000000000/toggle');
    expect(response.status).toBe(404);
  });
});

describe('POST /api/tasks/:id/execute', () => {
  test('queues a run of a ready task now: 202 with the run itself, the task running with it; again is 409', async () => {
    const task = await createTask();
    const before = Date.now();
    const response = await api.request<Run>('POST', `/api/tasks/${task.id}/execute`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      task_id: task.id,
      task_name: task.task_name,
      trigger: 'manual',
      status: 'queued',
      attempt_count: 0,
      retry_of: null,
      prior_task_status: 'ready',
    });
    expect(Date.parse(response.body.scheduled_for)).toBeGreaterThanOrEqual(before - 5);
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(detail.body.task_status).toBe('running');
    expect(detail.body.current_run?.id).toBe(response.body.id);

    const again = await api.request('POST', `/api/tasks/${task.id}/execute`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(errorShape('CONFLICT'));
  });

  test('runs a failed task, and a paused one', async () => {
    const failed = await createTask();
    await api.database.tasks.update(failed.id, { task_status: 'failed' });
    expect((await api.request('POST', `/api/tasks/${failed.id}/execute`)).status).toBe(202);
    const paused = await createTask({ enabled: false });
    expect((await api.request('POST', `/api/tasks/${paused.id}/execute`)).status).toBe(202);
  });

  test('404 for a task that does not exist', async () => {
    const response = await api.request('POST', '/api/tasks/not-a-task/execute');
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorShape('NOT_FOUND'));
  });
});
