import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const newTask = () =>
  t.tasks.create({
    task_name: 'attempts',
    task_schedule: '* * * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
  });

test('a redelivered attempt reuses its running row; a settled attempt is never inserted again', async () => {
  const task = await newTask();
  const key = { taskId: task.id, scheduledFor: new Date('2030-01-01T00:00:00Z'), retryCount: 0 };
  const first = await t.attempts.insertAttempt(key);
  const redelivered = await t.attempts.insertAttempt(key);
  expect(redelivered?.id).toBe(first?.id);

  await t.attempts.finishAttempt(
    { attemptId: first!.id, status: 'finish', executionTime: 12, httpStatus: 200, message: 'ok' },
    { kind: 'continues' },
  );
  expect(await t.attempts.insertAttempt(key)).toBeUndefined();
  expect(await t.attempts.listForTask(task.id, 10)).toMatchObject([
    { status: 'finish', execution_time: 12, http_status: 200, message: 'ok', retry_count: 0 },
  ]);
  // The next retry of the same due instant is a row of its own.
  expect(await t.attempts.insertAttempt({ ...key, retryCount: 1 })).toBeDefined();
});

test('the final attempt and the task status change together, and only for the run that owns the task', async () => {
  const task = await newTask();
  await t.tasks.claimForRun(task.id, 'job-a', ['ready']);
  const attempt = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: new Date(),
    retryCount: 0,
  });
  await t.attempts.finishAttempt(
    { attemptId: attempt!.id, status: 'failed', executionTime: 5, httpStatus: 404, message: 'HTTP 404' },
    { kind: 'ends', taskId: task.id, jobId: 'job-a', taskStatus: 'failed' },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'failed', job_id: null });

  // A stale run cannot flip a task another run owns.
  await t.tasks.update(task.id, { task_status: 'running', job_id: 'job-b' });
  const stale = await t.attempts.insertAttempt({ taskId: task.id, scheduledFor: new Date(), retryCount: 0 });
  await t.attempts.finishAttempt(
    { attemptId: stale!.id, status: 'finish', executionTime: 5, httpStatus: 200, message: 'ok' },
    { kind: 'ends', taskId: task.id, jobId: 'job-a', taskStatus: 'ready' },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: 'job-b' });
});

test('beginAttempts starts a batch: delivers owned runs, drops orphaned ones, refuses settled attempts', async () => {
  const owned = await newTask();
  const other = await newTask();
  const settled = await newTask();
  const deleted = await newTask();
  await t.tasks.claimForRun(owned.id, 'job-owned', ['ready']);
  await t.tasks.claimForRun(other.id, 'job-current', ['ready']);
  await t.tasks.claimForRun(settled.id, 'job-settled', ['ready']);
  await t.tasks.delete(deleted.id);
  const at = new Date('2030-01-01T00:00:00Z');
  const done = await t.attempts.insertAttempt({ taskId: settled.id, scheduledFor: at, retryCount: 0 });
  await t.attempts.finishAttempt(
    { attemptId: done!.id, status: 'failed', executionTime: 1, httpStatus: 500, message: 'HTTP 500' },
    { kind: 'continues' },
  );

  const started = await t.attempts.beginAttempts([
    { taskId: owned.id, scheduledFor: at, retryCount: 0, jobId: 'job-owned' },
    { taskId: other.id, scheduledFor: at, retryCount: 0, jobId: 'job-stale' },
    { taskId: settled.id, scheduledFor: at, retryCount: 0, jobId: 'job-settled' },
    { taskId: deleted.id, scheduledFor: at, retryCount: 0, jobId: 'job-deleted' },
  ]);
  expect(started.map((s) => s.kind)).toEqual(['deliver', 'orphaned', 'settled', 'orphaned']);
  expect(started[0]).toMatchObject({
    target: { taskName: 'attempts', webhookUrl: 'http://127.0.0.1:4000/webhook', payload: {} },
  });

  // A redelivery of the same attempt reuses its row.
  const again = await t.attempts.beginAttempts([
    { taskId: owned.id, scheduledFor: at, retryCount: 0, jobId: 'job-owned' },
  ]);
  expect(again[0]?.kind === 'deliver' && again[0].attemptId).toBe(
    started[0]?.kind === 'deliver' && started[0].attemptId,
  );
});

test('finishAttempts records a batch of results and ends only the runs that end', async () => {
  const ending = await newTask();
  const continuing = await newTask();
  await t.tasks.claimForRun(ending.id, 'job-e', ['ready']);
  await t.tasks.claimForRun(continuing.id, 'job-c', ['ready']);
  const at = new Date();
  const [e, c] = await t.attempts.beginAttempts([
    { taskId: ending.id, scheduledFor: at, retryCount: 0, jobId: 'job-e' },
    { taskId: continuing.id, scheduledFor: at, retryCount: 0, jobId: 'job-c' },
  ]);
  if (e?.kind !== 'deliver' || c?.kind !== 'deliver') throw new Error('expected both to deliver');
  await t.attempts.finishAttempts([
    {
      result: { attemptId: e.attemptId, status: 'finish', executionTime: 3, httpStatus: 204, message: '' },
      run: { kind: 'ends', taskId: ending.id, jobId: 'job-e', taskStatus: 'ready' },
    },
    {
      result: {
        attemptId: c.attemptId,
        status: 'failed',
        executionTime: 9,
        httpStatus: 503,
        message: 'HTTP 503',
      },
      run: { kind: 'continues' },
    },
  ]);
  expect(await t.tasks.findById(ending.id)).toMatchObject({ task_status: 'ready', job_id: null });
  expect(await t.tasks.findById(continuing.id)).toMatchObject({ task_status: 'running', job_id: 'job-c' });
  expect(await t.attempts.listForTask(continuing.id, 5)).toMatchObject([
    { status: 'failed', http_status: 503, execution_time: 9 },
  ]);
});

test('a webhook answer with a NUL in it is recorded, the NUL shown as U+FFFD', async () => {
  const task = await newTask();
  const attempt = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: new Date(),
    retryCount: 0,
  });
  await t.attempts.finishAttempt(
    { attemptId: attempt!.id, status: 'finish', executionTime: 3, httpStatus: 200, message: 'ok\u0000!' },
    { kind: 'continues' },
  );
  expect(await t.attempts.listForTask(task.id, 10)).toMatchObject([
    { status: 'finish', message: 'ok\uFFFD!' },
  ]);
});

test('list: "to" holds its whole millisecond, though created_at has microseconds', async () => {
  const task = await newTask();
  const last = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: new Date('2030-02-01T00:00:00Z'),
    retryCount: 0,
  });
  const next = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: new Date('2030-02-02T00:00:00Z'),
    retryCount: 0,
  });
  // The last microsecond of a day, and the first of the next.
  await sql`UPDATE task_logs SET created_at = '2030-01-31T23:59:59.999999Z' WHERE id = ${last!.id}`.execute(
    t.db,
  );
  await sql`UPDATE task_logs SET created_at = '2030-02-01T00:00:00Z' WHERE id = ${next!.id}`.execute(t.db);

  const { rows, total } = await t.attempts.list({
    page: 1,
    limit: 10,
    taskId: task.id,
    to: new Date('2030-01-31T23:59:59.999Z'),
  });
  expect(rows.map((row) => row.id)).toEqual([last!.id]);
  expect(total).toBe(1);
});
