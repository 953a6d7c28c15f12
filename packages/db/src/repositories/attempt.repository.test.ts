import { afterAll, beforeAll, expect, test } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, runFor, type TestDatabase } from '@scheduler/test-support';
import type { RunOutcome } from './attempt.repository';

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

/** A manual run of the task, started under `jobId`: its task running, its run queued. */
async function started(taskId: string, jobId: string, scheduledFor = new Date()) {
  const start = await t.tasks.startRun(taskId, ['ready', 'failed'], {
    jobId,
    trigger: 'manual',
    scheduledFor,
  });
  if (!start) throw new Error(`task ${taskId} could not start a run`);
  return start.run;
}

test('a redelivered attempt reuses its running row; a settled attempt is never inserted again', async () => {
  const task = await newTask();
  const scheduledFor = new Date('2030-01-01T00:00:00Z');
  const runId = await runFor(t, task.id, scheduledFor, 'running');
  const key = { taskId: task.id, scheduledFor, retryCount: 0, runId };
  const first = await t.attempts.insertAttempt(key);
  const redelivered = await t.attempts.insertAttempt(key);
  expect(redelivered?.id).toBe(first?.id);

  expect(
    await t.attempts.finishAttempt(
      { attemptId: first!.id, status: 'finish', executionTime: 12, httpStatus: 200, message: 'ok' },
      { kind: 'continues' },
    ),
  ).toBe('recorded');
  expect(await t.attempts.insertAttempt(key)).toBeUndefined();
  expect(await t.attempts.listForTask(task.id, 10)).toMatchObject([
    { status: 'finish', execution_time: 12, http_status: 200, message: 'ok', retry_count: 0, run_id: runId },
  ]);
  // The next retry of the same due instant is a row of its own, in the same run.
  const retry = await t.attempts.insertAttempt({ ...key, retryCount: 1 });
  expect(retry).toBeDefined();
  expect((await t.runs.attemptsOf(runId)).map((a) => [a.retry_count, a.id])).toEqual([
    [0, first!.id],
    [1, retry!.id],
  ]);
});

test('a run going on shows the status its last attempt got; its end, the ending one', async () => {
  const task = await newTask();
  const scheduledFor = new Date('2030-01-01T00:00:00Z');
  const runId = await runFor(t, task.id, scheduledFor, 'running');
  const key = { taskId: task.id, scheduledFor, runId };
  const attempt = async (retryCount: number, httpStatus: number | null, run: RunOutcome) => {
    const row = await t.attempts.insertAttempt({ ...key, retryCount });
    await t.attempts.finishAttempt(
      { attemptId: row!.id, status: 'failed', executionTime: 1, httpStatus, message: 'no' },
      run,
    );
    return (await t.runs.findById(runId))?.http_status;
  };
  expect(await attempt(0, 429, { kind: 'continues' })).toBe(429);
  // A timeout got no status: nor does the run now.
  expect(await attempt(1, null, { kind: 'continues' })).toBeNull();
  expect(
    await attempt(2, 503, {
      kind: 'ends',
      taskId: task.id,
      jobId: 'none',
      runStatus: 'failed',
      taskStatus: 'failed',
      message: 'out of retries',
    }),
  ).toBe(503);
});

test('an attempt belongs to a run: the database refuses one without', async () => {
  const task = await newTask();
  await expect(
    sql`INSERT INTO task_logs (task_id, scheduled_for) VALUES (${task.id}, now())`.execute(t.db),
  ).rejects.toThrow(/run_id/);
});

test('the final attempt, its run and the task status change together, and only for the run that owns the task', async () => {
  const task = await newTask();
  const runA = await started(task.id, 'job-a');
  const attempt = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: runA.scheduled_for,
    retryCount: 0,
    runId: runA.id,
  });
  expect(
    await t.attempts.finishAttempt(
      { attemptId: attempt!.id, status: 'failed', executionTime: 5, httpStatus: 404, message: 'HTTP 404' },
      {
        kind: 'ends',
        taskId: task.id,
        jobId: 'job-a',
        runStatus: 'failed',
        taskStatus: 'failed',
        message: 'HTTP 404 cannot succeed by retrying',
      },
    ),
  ).toBe('recorded');
  expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'failed', job_id: null });
  const endedA = await t.runs.findById(runA.id);
  expect(endedA).toMatchObject({
    status: 'failed',
    message: 'HTTP 404 cannot succeed by retrying',
    http_status: 404,
  });
  expect(endedA?.finished_at).toBeInstanceOf(Date);

  // A stale attempt of run A cannot flip the task (or end the run) that run B owns now.
  const runB = await started(task.id, 'job-b');
  const stale = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: runA.scheduled_for,
    retryCount: 1,
    runId: runA.id,
  });
  await t.attempts.finishAttempt(
    { attemptId: stale!.id, status: 'finish', executionTime: 5, httpStatus: 200, message: 'ok' },
    {
      kind: 'ends',
      taskId: task.id,
      jobId: 'job-a',
      runStatus: 'finish',
      taskStatus: 'ready',
      message: 'ok',
    },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: 'job-b' });
  expect(await t.runs.findById(runB.id)).toMatchObject({ status: 'queued', finished_at: null });
  // Run A had ended already: it keeps its verdict.
  expect(await t.runs.findById(runA.id)).toMatchObject({ status: 'failed', http_status: 404 });
});

test('beginAttempts starts a batch: delivers owned runs, drops orphaned ones, refuses settled attempts', async () => {
  const owned = await newTask();
  const other = await newTask();
  const settled = await newTask();
  const deleted = await newTask();
  const wrongRun = await newTask();
  const at = new Date('2030-01-01T00:00:00Z');
  const ownedRun = await started(owned.id, 'job-owned', at);
  await started(other.id, 'job-current', at);
  const settledRun = await started(settled.id, 'job-settled', at);
  await started(wrongRun.id, 'job-wrong-run', at);
  await t.tasks.delete(deleted.id);
  const done = await t.attempts.insertAttempt({
    taskId: settled.id,
    scheduledFor: at,
    retryCount: 0,
    runId: settledRun.id,
  });
  await t.attempts.finishAttempt(
    { attemptId: done!.id, status: 'failed', executionTime: 1, httpStatus: 500, message: 'HTTP 500' },
    { kind: 'continues' },
  );

  const starts = await t.attempts.beginAttempts([
    // No run id: a job queued before runs had rows finds its task's run in flight.
    { taskId: owned.id, scheduledFor: at, retryCount: 0, jobId: 'job-owned' },
    { taskId: other.id, scheduledFor: at, retryCount: 0, jobId: 'job-stale' },
    { taskId: settled.id, scheduledFor: at, retryCount: 0, jobId: 'job-settled', runId: settledRun.id },
    { taskId: deleted.id, scheduledFor: at, retryCount: 0, jobId: 'job-deleted' },
    // The right job, but a run that is not the task's run in flight.
    { taskId: wrongRun.id, scheduledFor: at, retryCount: 0, jobId: 'job-wrong-run', runId: ownedRun.id },
  ]);
  expect(starts.map((s) => s.kind)).toEqual(['deliver', 'orphaned', 'settled', 'orphaned', 'orphaned']);
  expect(starts[0]).toMatchObject({
    runId: ownedRun.id,
    target: { taskName: 'attempts', webhookUrl: 'http://127.0.0.1:4000/webhook', payload: {} },
  });
  expect(starts[2]).toEqual({ kind: 'settled', runId: settledRun.id });
  // Only delivered attempts have rows: none for the orphaned ones.
  expect(await t.attempts.listForTask(other.id, 10)).toEqual([]);
  expect(await t.attempts.listForTask(wrongRun.id, 10)).toEqual([]);

  // The run is running from its first attempt on.
  const running = await t.runs.findById(ownedRun.id);
  expect(running).toMatchObject({ status: 'running', attempt_count: 1 });
  expect(running?.started_at).toBeInstanceOf(Date);

  // A redelivery of the same attempt reuses its row, and counts no new attempt.
  const again = await t.attempts.beginAttempts([
    { taskId: owned.id, scheduledFor: at, retryCount: 0, jobId: 'job-owned', runId: ownedRun.id },
  ]);
  expect(again[0]?.kind === 'deliver' && again[0].attemptId).toBe(
    starts[0]?.kind === 'deliver' && starts[0].attemptId,
  );
  expect(await t.runs.findById(ownedRun.id)).toMatchObject({
    attempt_count: 1,
    started_at: running?.started_at,
  });

  // The next retry counts an attempt more.
  await t.attempts.beginAttempts([
    { taskId: owned.id, scheduledFor: at, retryCount: 1, jobId: 'job-owned', runId: ownedRun.id },
  ]);
  expect(await t.runs.findById(ownedRun.id)).toMatchObject({ status: 'running', attempt_count: 2 });
});

test("beginAttempts delivers a run's own payload when it has one (a retry with an edited payload)", async () => {
  const task = await newTask();
  const at = new Date('2030-01-02T00:00:00Z');
  const start = await t.tasks.startRun(task.id, ['ready'], {
    jobId: 'job-edited',
    trigger: 'retry',
    scheduledFor: at,
    payloadOverride: JSON.stringify([1, 2, 3]),
  });
  const [begun] = await t.attempts.beginAttempts([
    { taskId: task.id, scheduledFor: at, retryCount: 0, jobId: 'job-edited', runId: start!.run.id },
  ]);
  expect(begun).toMatchObject({ kind: 'deliver', target: { payload: [1, 2, 3] } });
});

test('finishAttempts records a batch of results and ends only the runs that end', async () => {
  const ending = await newTask();
  const continuing = await newTask();
  const endingRun = await started(ending.id, 'job-e');
  const continuingRun = await started(continuing.id, 'job-c');
  const [e, c] = await t.attempts.beginAttempts([
    { taskId: ending.id, scheduledFor: endingRun.scheduled_for, retryCount: 0, jobId: 'job-e' },
    { taskId: continuing.id, scheduledFor: continuingRun.scheduled_for, retryCount: 0, jobId: 'job-c' },
  ]);
  if (e?.kind !== 'deliver' || c?.kind !== 'deliver') throw new Error('expected both to deliver');
  const recorded = await t.attempts.finishAttempts([
    {
      result: { attemptId: e.attemptId, status: 'finish', executionTime: 3, httpStatus: 204, message: '' },
      run: {
        kind: 'ends',
        taskId: ending.id,
        jobId: 'job-e',
        runStatus: 'finish',
        taskStatus: 'ready',
        message: 'HTTP 204',
      },
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
  // The ending run's task was not failing before; the continuing run changed no task.
  expect(recorded).toEqual([{ recorded: 'recorded', wasFailing: false }, { recorded: 'recorded' }]);
  expect(await t.tasks.findById(ending.id)).toMatchObject({ task_status: 'ready', job_id: null });
  expect(await t.runs.findById(endingRun.id)).toMatchObject({
    status: 'finish',
    message: 'HTTP 204',
    http_status: 204,
    attempt_count: 1,
  });
  expect(await t.tasks.findById(continuing.id)).toMatchObject({ task_status: 'running', job_id: 'job-c' });
  // A retry is pending: the run is still running.
  expect(await t.runs.findById(continuingRun.id)).toMatchObject({ status: 'running', finished_at: null });
  expect(await t.attempts.listForTask(continuing.id, 5)).toMatchObject([
    { status: 'failed', http_status: 503, execution_time: 9 },
  ]);
  // The same result written again finds nothing running: nothing changes.
  expect(
    await t.attempts.finishAttempts([
      {
        result: {
          attemptId: e.attemptId,
          status: 'failed',
          executionTime: 1,
          httpStatus: 500,
          message: 'late',
        },
        run: { kind: 'continues' },
      },
    ]),
  ).toEqual([{ recorded: 'cancelled' }]);
  expect(await t.attempts.listForTask(ending.id, 5)).toMatchObject([{ status: 'finish', http_status: 204 }]);
});

test('a webhook answer with a NUL in it is recorded, the NUL shown as U+FFFD', async () => {
  const task = await newTask();
  const scheduledFor = new Date();
  const attempt = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor,
    retryCount: 0,
    runId: await runFor(t, task.id, scheduledFor, 'running'),
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
  const firstAt = new Date('2030-02-01T00:00:00Z');
  const secondAt = new Date('2030-02-02T00:00:00Z');
  const last = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: firstAt,
    retryCount: 0,
    runId: await runFor(t, task.id, firstAt),
  });
  const next = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: secondAt,
    retryCount: 0,
    runId: await runFor(t, task.id, secondAt),
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

test('a run ending on a webhook that is gone disables its task with the reason; resuming it clears the reason and re-arms it', async () => {
  const task = await newTask();
  const run = await started(task.id, 'job-gone');
  const [begun] = await t.attempts.beginAttempts([
    { taskId: task.id, scheduledFor: run.scheduled_for, retryCount: 0, jobId: 'job-gone' },
  ]);
  if (begun?.kind !== 'deliver') throw new Error('expected to deliver');
  const reason = 'the webhook answered HTTP 410 Gone: it no longer exists';
  await t.attempts.finishAttempt(
    { attemptId: begun.attemptId, status: 'failed', executionTime: 4, httpStatus: 410, message: 'HTTP 410' },
    {
      kind: 'ends',
      taskId: task.id,
      jobId: 'job-gone',
      runStatus: 'failed',
      taskStatus: 'failed',
      message: 'HTTP 410 — not retryable',
      disabledReason: reason,
    },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({
    enabled: false,
    disabled_reason: reason,
    task_status: 'failed',
  });
  expect(await t.runs.findById(run.id)).toMatchObject({ status: 'failed' });

  const resumed = await t.tasks.toggleEnabled(task.id, new Date('2030-01-01T00:00:00Z'));
  expect(resumed).toMatchObject({ enabled: true, disabled_reason: null, task_status: 'ready' });
  // Paused by a user: no reason, and a failed task stays failed when resumed.
  const paused = await t.tasks.toggleEnabled(task.id, null);
  expect(paused).toMatchObject({ enabled: false, disabled_reason: null });
});

test('a run ending failed without a reason leaves its task enabled', async () => {
  const task = await newTask();
  const run = await started(task.id, 'job-404');
  const [begun] = await t.attempts.beginAttempts([
    { taskId: task.id, scheduledFor: run.scheduled_for, retryCount: 0, jobId: 'job-404' },
  ]);
  if (begun?.kind !== 'deliver') throw new Error('expected to deliver');
  await t.attempts.finishAttempt(
    { attemptId: begun.attemptId, status: 'failed', executionTime: 4, httpStatus: 404, message: 'HTTP 404' },
    {
      kind: 'ends',
      taskId: task.id,
      jobId: 'job-404',
      runStatus: 'failed',
      taskStatus: 'failed',
      message: 'HTTP 404 — not retryable',
    },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({
    enabled: true,
    disabled_reason: null,
    task_status: 'failed',
  });
});

test('each run end reports whether its task was failing before, and leaves it failing or not', async () => {
  const task = await newTask();
  const end = async (jobId: string, runStatus: 'finish' | 'failed') => {
    const run = await started(task.id, jobId);
    const [begun] = await t.attempts.beginAttempts([
      { taskId: task.id, scheduledFor: run.scheduled_for, retryCount: 0, jobId },
    ]);
    if (begun?.kind !== 'deliver') throw new Error('expected to deliver');
    const httpStatus = runStatus === 'finish' ? 204 : 500;
    const [finished] = await t.attempts.finishAttempts([
      {
        result: { attemptId: begun.attemptId, status: runStatus, executionTime: 1, httpStatus, message: '' },
        run: {
          kind: 'ends',
          taskId: task.id,
          jobId,
          runStatus,
          taskStatus: runStatus === 'finish' ? 'ready' : 'failed',
          message: `HTTP ${httpStatus}`,
        },
      },
    ]);
    return finished;
  };
  expect(await end('job-1', 'failed')).toEqual({ recorded: 'recorded', wasFailing: false });
  expect(await end('job-2', 'failed')).toEqual({ recorded: 'recorded', wasFailing: true });
  expect(await end('job-3', 'finish')).toEqual({ recorded: 'recorded', wasFailing: true });
  expect(await end('job-4', 'finish')).toEqual({ recorded: 'recorded', wasFailing: false });
  expect(await t.tasks.findById(task.id)).toMatchObject({ failing: false });
  expect(await t.tasks.alertTarget(task.id)).toMatchObject({
    id: task.id,
    task_name: 'attempts',
    alert_url: null,
  });
});
