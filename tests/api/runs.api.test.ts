import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  errorShape,
  type Run,
  type RunDetail,
  type RunPage,
  type RunningApi,
  startApi,
  type Task,
  type TaskDetail,
} from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/** A run of `taskId` that has ended in `status`, as the worker would have left it. */
/** Due instants of the runs made here: a minute ago, and never the same twice (one run per due instant). */
let lastDue = 0;
async function endedRun(taskId: string, status: 'finish' | 'failed' | 'cancelled' | 'expired') {
  lastDue = Math.max(Date.now() - 60_000, lastDue + 1);
  return api.database.runs.create({
    task_id: taskId,
    scheduled_for: new Date(lastDue),
    trigger: 'schedule',
    status,
    attempt_count: 1,
    message: `ended ${status}`,
    finished_at: new Date(),
  });
}

describe('one-time tasks (run_at)', () => {
  test('a future run_at: the task has no schedule, and its next run is that instant', async () => {
    const at = inMinutes(30);
    const task = await api.createTask({ task_schedule: undefined, run_at: at });
    expect(task).toMatchObject({ task_schedule: null, run_at: at, next_run_at: at, task_status: 'ready' });
  });

  test('run_at with an offset is read as that instant', async () => {
    const task = await api.createTask({ task_schedule: undefined, run_at: '2099-05-01T11:00:00+02:00' });
    expect(task.run_at).toBe('2099-05-01T09:00:00.000Z');
  });

  test('a run_at up to 60 s in the past fires at once: it is due now', async () => {
    const at = new Date(Date.now() - 30_000).toISOString();
    const task = await api.createTask({ task_schedule: undefined, run_at: at });
    expect(task.next_run_at).toBe(at);
  });

  test.each([
    ['both task_schedule and run_at', { run_at: '2099-01-01T00:00:00Z' }, /not both/],
    ['neither', { task_schedule: undefined }, /neither was given/],
  ])('%s: 400 naming both fields', async (_what, overrides, message) => {
    const response = await api.request('POST', '/api/tasks', {
      body: { ...baseTask(), ...overrides },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    const details = (response.body as { error: { details: Record<string, string> } }).error.details;
    expect(Object.keys(details).sort()).toEqual(['run_at', 'task_schedule']);
    expect(details.run_at).toMatch(message);
  });

  test.each([
    ['without an offset', '2099-05-01T09:00:00', /RFC 3339 instant with its offset/],
    ['not an instant', 'tomorrow at nine', /RFC 3339/],
    ['a day the calendar lacks', '2099-02-30T09:00:00Z', /RFC 3339/],
    ['a number', 1_900_000_000, /RFC 3339/],
    [
      'more than 60 s in the past',
      new Date(Date.now() - 120_000).toISOString(),
      /more than 60 s in the past/,
    ],
  ])('run_at %s: 400 saying what is expected, and nothing is created', async (_what, runAt, message) => {
    const before = await api.request<{ meta: { total: number } }>('GET', '/api/tasks?limit=1');
    const response = await api.request('POST', '/api/tasks', {
      body: { ...baseTask(), task_schedule: undefined, run_at: runAt },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect((response.body as { error: { details: { run_at: string } } }).error.details.run_at).toMatch(
      message,
    );
    const after = await api.request<{ meta: { total: number } }>('GET', '/api/tasks?limit=1');
    expect(after.body.meta.total).toBe(before.body.meta.total);
  });

  test('PATCH run_at turns a scheduled task into a one-time task; PATCH task_schedule turns it back', async () => {
    const task = await api.createTask();
    const at = inMinutes(10);
    const once = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { body: { run_at: at } });
    expect(once.status).toBe(200);
    expect(once.body).toMatchObject({ task_schedule: null, run_at: at, next_run_at: at });
    const again = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_schedule: '0 9 * * *' },
    });
    expect(again.body).toMatchObject({ task_schedule: '0 9 * * *', run_at: null });
    expect(again.body.next_run_at).toMatch(/T09:00:00\.000Z$/);
  });

  test('a failed one-time task: a future run_at re-arms it; task_status ready alone is refused once run_at has passed', async () => {
    const task = await api.createTask({ task_schedule: undefined, run_at: inMinutes(1) });
    await api.database.tasks.update(task.id, {
      task_status: 'failed',
      run_at: new Date(Date.now() - 3_600_000),
      next_run_at: null,
    });
    const refused = await api.request('PATCH', `/api/tasks/${task.id}`, { body: { task_status: 'ready' } });
    expect(refused.status).toBe(400);
    expect(
      (refused.body as { error: { details: { task_status: string } } }).error.details.task_status,
    ).toMatch(/future run_at/);
    expect((await api.database.tasks.findById(task.id))?.task_status).toBe('failed');
    const at = inMinutes(5);
    const rearmed = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { body: { run_at: at } });
    expect(rearmed.status).toBe(200);
    expect(rearmed.body).toMatchObject({ task_status: 'ready', run_at: at, next_run_at: at });
  });

  test('a one-time task that has fired and finished: task_status ready alone is refused too, and changes nothing', async () => {
    const task = await api.createTask({ task_schedule: undefined, run_at: inMinutes(1) });
    // What its run's end leaves: ready, its run_at past, no next instant.
    await api.database.tasks.update(task.id, { run_at: new Date(Date.now() - 3_600_000), next_run_at: null });
    const refused = await api.request('PATCH', `/api/tasks/${task.id}`, { body: { task_status: 'ready' } });
    expect(refused.status).toBe(400);
    expect(
      (refused.body as { error: { details: { task_status: string } } }).error.details.task_status,
    ).toMatch(/future run_at/);
    expect(await api.database.tasks.findById(task.id)).toMatchObject({
      task_status: 'ready',
      next_run_at: null,
    });
    // Other edits of it are taken.
    const renamed = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_name: 'Once more' },
    });
    expect(renamed.status).toBe(200);
  });
});

describe('runs: run now, history, cancel', () => {
  test('run now answers the run; the task and the lists show it; cancel ends it and the task is ready again', async () => {
    const task = await api.createTask();
    const started = await api.request<Run>('POST', `/api/tasks/${task.id}/execute`);
    expect(started.status).toBe(202);
    const run = started.body;
    expect(run).toMatchObject({
      task_id: task.id,
      trigger: 'manual',
      status: 'queued',
      task_name: task.task_name,
    });

    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(detail.body).toMatchObject({
      task_status: 'running',
      current_run: { id: run.id },
      last_run: null,
    });

    const all = await api.request<RunPage>('GET', `/api/runs?task_id=${task.id}`);
    expect(all.body.data.map((r) => r.id)).toEqual([run.id]);
    const ofTask = await api.request<RunPage>('GET', `/api/tasks/${task.id}/runs?status=queued,running`);
    expect(ofTask.body).toMatchObject({ data: [{ id: run.id }], meta: { total: 1, page: 1 } });
    const one = await api.request<RunDetail>('GET', `/api/runs/${run.id}`);
    expect(one.body).toMatchObject({ id: run.id, attempts: [] });

    const cancelled = await api.request<Run>('POST', `/api/tasks/${task.id}/cancel`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: run.id, status: 'cancelled', message: 'cancelled by a user' });
    expect(cancelled.body.finished_at).not.toBeNull();
    const after = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(after.body).toMatchObject({
      task_status: 'ready',
      current_run: null,
      last_run: { id: run.id, status: 'cancelled' },
      next_run_at: task.next_run_at,
    });
    // The job left the queue.
    expect(await queueJobs()).not.toContain(run.id);

    const again = await api.request('POST', `/api/tasks/${task.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(errorShape('CONFLICT'));
    const ofRun = await api.request('POST', `/api/runs/${run.id}/cancel`);
    expect(ofRun.status).toBe(409);
    expect((ofRun.body as { error: { message: string } }).error.message).toMatch(/has ended \(cancelled\)/);
  });

  test('a run now of a failed task, cancelled, leaves the task failed', async () => {
    const task = await api.createTask();
    await api.database.tasks.update(task.id, { task_status: 'failed' });
    const run = (await api.request<Run>('POST', `/api/tasks/${task.id}/execute`)).body;
    expect(run.prior_task_status).toBe('failed');
    const cancelled = await api.request<Run>('POST', `/api/runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((await api.database.tasks.findById(task.id))?.task_status).toBe('failed');
  });

  test('cancel: 404 for an unknown task or run (a non-UUID id too), 409 for a task without a run', async () => {
    for (const route of [
      `/api/tasks/${NO_SUCH_ID}/cancel`,
      `/api/runs/${NO_SUCH_ID}/cancel`,
      '/api/runs/not-a-run/cancel',
      `/api/runs/${NO_SUCH_ID}`,
    ]) {
      const response = await api.request(route.endsWith('cancel') ? 'POST' : 'GET', route);
      expect(response.status, route).toBe(404);
      expect(response.body).toEqual(errorShape('NOT_FOUND'));
    }
    const idle = await api.createTask();
    const response = await api.request('POST', `/api/tasks/${idle.id}/cancel`);
    expect(response.status).toBe(409);
    expect((response.body as { error: { message: string } }).error.message).toMatch(/nothing to cancel/);
    const withBody = await api.request('POST', `/api/tasks/${idle.id}/cancel`, { body: { force: true } });
    expect(withBody.status).toBe(400);
  });

  test('list filters: several statuses, a trigger, dates on the due instant; bad values are named', async () => {
    const task = await api.createTask();
    const failed = await endedRun(task.id, 'failed');
    const finished = await endedRun(task.id, 'finish');
    const expired = await endedRun(task.id, 'expired');
    const list = async (query: string) =>
      (await api.request<RunPage>('GET', `/api/tasks/${task.id}/runs?${query}`)).body.data.map((r) => r.id);
    expect(await list('status=failed,expired')).toEqual([expired.id, failed.id]);
    expect(await list('status=finish')).toEqual([finished.id]);
    expect(await list('trigger=manual')).toEqual([]);
    expect(await list('from=2000-01-01&to=2000-01-02')).toEqual([]);

    const bad = await api.request('GET', '/api/runs?status=failed,nope&trigger=cron&stauts=x');
    expect(bad.status).toBe(400);
    const details = (bad.body as { error: { details: Record<string, string> } }).error.details;
    expect(details.status).toMatch(/expected one or more of queued, running, finish/);
    expect(details.trigger).toMatch(/expected one of schedule, manual, retry, dependency/);
    expect(details.stauts).toMatch(/unknown query parameter/);
  });
});

describe('retry', () => {
  test('a failed run: 202 with a new run (trigger retry, retry_of), the task running; while it runs, another retry is 409', async () => {
    const task = await api.createTask();
    const failed = await endedRun(task.id, 'failed');
    const response = await api.request<Run>('POST', `/api/runs/${failed.id}/retry`, {
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      task_id: task.id,
      trigger: 'retry',
      retry_of: failed.id,
      status: 'queued',
      payload_override: null,
    });
    expect((await api.database.tasks.findById(task.id))?.task_status).toBe('running');
    const busy = await api.request('POST', `/api/runs/${failed.id}/retry`);
    expect(busy.status).toBe(409);
    expect(busy.body).toEqual(errorShape('CONFLICT'));
  });

  test('with an edited payload: kept on the run as payload_override, key order as written', async () => {
    const task = await api.createTask();
    const cancelled = await endedRun(task.id, 'cancelled');
    const payload = { content: 'sent again', embeds: [{ title: 'Report' }] };
    const response = await api.request<Run>('POST', `/api/runs/${cancelled.id}/retry`, {
      body: { json_payload: payload },
    });
    expect(response.status).toBe(202);
    expect(response.body.payload_override).toEqual(payload);
  });

  test('409 for a run that finished, or is still queued or running', async () => {
    const task = await api.createTask();
    const finished = await endedRun(task.id, 'finish');
    const response = await api.request('POST', `/api/runs/${finished.id}/retry`);
    expect(response.status).toBe(409);
    expect((response.body as { error: { message: string } }).error.message).toMatch(
      /ended finish: only a failed, cancelled, expired run can be retried/,
    );
    const live = (await api.request<Run>('POST', `/api/tasks/${task.id}/execute`)).body;
    expect((await api.request('POST', `/api/runs/${live.id}/retry`)).status).toBe(409);
  });

  test.each([
    [
      'a payload that is a string',
      { json_payload: 'text' },
      'json_payload',
      /expected a JSON object or array/,
    ],
    ['an unknown field', { payload: {} }, 'payload', /unknown field: expected only json_payload/],
    ['a body that is an array', [1], 'body', /expected no body, or a JSON object with json_payload/],
  ])('%s: 400 naming the field, and no run is made', async (_what, body, field, message) => {
    const task = await api.createTask();
    const failed = await endedRun(task.id, 'failed');
    const response = await api.request('POST', `/api/runs/${failed.id}/retry`, { body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect((response.body as { error: { details: Record<string, string> } }).error.details[field]).toMatch(
      message,
    );
    expect((await api.database.runs.list({ page: 1, limit: 10, taskId: task.id })).total).toBe(1);
    expect((await api.database.tasks.findById(task.id))?.task_status).toBe('ready');
  });

  test('a GET task’s run with a payload: 400 (a GET sends no body), no run is made; with {} it is retried', async () => {
    const task = await api.createTask({ http_method: 'GET', json_payload: {} });
    const failed = await endedRun(task.id, 'failed');
    const response = await api.request('POST', `/api/runs/${failed.id}/retry`, {
      body: { json_payload: { a: 1 } },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(
      (response.body as { error: { details: Record<string, string> } }).error.details.json_payload,
    ).toMatch(/GET request sends no body: expected json_payload \{\}/);
    expect((await api.database.runs.list({ page: 1, limit: 10, taskId: task.id })).total).toBe(1);
    const empty = await api.request('POST', `/api/runs/${failed.id}/retry`, { body: { json_payload: {} } });
    expect(empty.status).toBe(202);
  });

  test('a payload over 64 KiB: 413', async () => {
    const task = await api.createTask();
    const failed = await endedRun(task.id, 'failed');
    const response = await api.request('POST', `/api/runs/${failed.id}/retry`, {
      body: { json_payload: { content: 'x'.repeat(70_000) } },
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual(errorShape('PAYLOAD_TOO_LARGE'));
  });

  test('a run whose task was deleted: 404', async () => {
    const task = await api.createTask();
    const failed = await endedRun(task.id, 'failed');
    expect((await api.request('DELETE', `/api/tasks/${task.id}`)).status).toBe(204);
    const response = await api.request('POST', `/api/runs/${failed.id}/retry`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorShape('NOT_FOUND'));
  });
});

describe('attempts carry their run', () => {
  test('GET /api/logs items have run_id; GET /api/runs/:id lists its attempts oldest first', async () => {
    const task = await api.createTask();
    const run = await endedRun(task.id, 'failed');
    for (const retryCount of [0, 1]) {
      const attempt = await api.database.attempts.insertAttempt({
        taskId: task.id,
        scheduledFor: run.scheduled_for,
        retryCount,
        runId: run.id,
      });
      await api.database.attempts.finishAttempt(
        { attemptId: attempt!.id, status: 'failed', executionTime: 5, httpStatus: 500, message: 'HTTP 500' },
        { kind: 'continues' },
      );
    }
    const logs = await api.request<{ data: { run_id: string }[] }>('GET', `/api/logs?task_id=${task.id}`);
    expect(logs.body.data.map((a) => a.run_id)).toEqual([run.id, run.id]);
    const detail = await api.request<RunDetail>('GET', `/api/runs/${run.id}`);
    expect(detail.body.attempts.map((a) => a.retry_count)).toEqual([0, 1]);
  });
});

function baseTask(): Record<string, unknown> {
  return {
    task_name: 'Once',
    task_schedule: '0 9 * * *',
    webhook_url: 'http://127.0.0.1:9/webhook',
    json_payload: { content: 'hi' },
  };
}

/** The ids of the runs whose jobs are in the queue now. */
async function queueJobs(): Promise<string[]> {
  const { createDeliveryQueue } = await import('@scheduler/queue');
  const { testRedis } = await import('@scheduler/test-support');
  const redis = testRedis();
  const queue = createDeliveryQueue(redis, api.prefix);
  try {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    return jobs.map((job) => job.data.runId ?? '');
  } finally {
    await queue.close();
    await redis.quit();
  }
}
