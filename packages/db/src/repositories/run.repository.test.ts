import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestDatabase, runFor, type TestDatabase } from '@scheduler/test-support';
import type { ScheduledTask } from '../rows';
import { AttemptRepository } from './attempt.repository';
import type { CancelResult } from './run.repository';
import type { ClaimWrite } from './task.repository';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await t.db.deleteFrom('tasks').execute();
});

const base = {
  task_name: 'runs',
  task_schedule: '*/5 * * * *',
  webhook_url: 'http://127.0.0.1:4000/webhook',
  json_payload: '{}',
};
const dueAt = new Date('2030-01-01T00:00:00Z');
const nextAt = new Date('2030-01-01T00:05:00Z');
const now = new Date('2030-01-01T00:00:10Z');

/** The publisher's plan, simplified: every due task runs for its due instant under `job-<id>`. */
const runEach = (rows: ScheduledTask[]): ClaimWrite[] =>
  rows.map((row) => ({
    kind: 'run',
    id: row.id,
    jobId: `job-${row.id}`,
    scheduledFor: row.next_run_at!,
    maxRetry: row.max_retry,
    nextRunAt: nextAt,
  }));

/** A task due at `dueAt`, claimed: running under `job-<id>`, its schedule run queued. */
async function claimed(name = 'runs') {
  const task = await t.tasks.create({ ...base, task_name: name, next_run_at: dueAt });
  const claim = await t.tasks.claimDueTasks(1, runEach, now);
  const run = claim.runs.find((r) => r.taskId === task.id);
  if (!run) throw new Error(`task ${task.id} was not claimed`);
  return { task, runId: run.runId, jobId: `job-${task.id}` };
}

/** A claimed task whose first attempt is in flight. */
async function delivering() {
  const { task, runId, jobId } = await claimed();
  const [begun] = await t.attempts.beginAttempts([
    { taskId: task.id, scheduledFor: dueAt, retryCount: 0, jobId, runId },
  ]);
  if (begun?.kind !== 'deliver') throw new Error(`expected to deliver, got ${begun?.kind}`);
  return { task, runId, jobId, attemptId: begun.attemptId };
}

/** Runs `statement`, again after a deadlock (PostgreSQL aborts one side of it), at most 5 times. */
async function tryAgainOnDeadlock<T>(statement: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await statement();
    } catch (error) {
      if (tries >= 5 || (error as { code?: unknown }).code !== '40P01') throw error;
    }
  }
}
/** Waits until some statement of this test's database waits for a lock. */
async function waitForLockWaiter(): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const { rows } = await sql<{ waiting: number }>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.db);
    if (rows[0]!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no statement ever waited for a lock');
}

const finish = (attemptId: string) => ({
  attemptId,
  status: 'finish' as const,
  executionTime: 7,
  httpStatus: 200,
  message: 'ok',
});

describe('one run per due instant, one run in flight per task', () => {
  test('a due instant claimed again gets no second run: the task moves on to its next instant, not running', async () => {
    const { task, runId, jobId } = await delivering();
    await t.attempts.finishAttempt(finish((await t.runs.attemptsOf(runId))[0]!.id), {
      kind: 'ends',
      taskId: task.id,
      jobId,
      runStatus: 'finish',
      taskStatus: 'ready',
      message: 'HTTP 200',
    });
    // The same instant is due again (a restore, a hand edit, a publisher that planned from a stale row).
    await t.tasks.update(task.id, { next_run_at: dueAt });
    const again = await t.tasks.claimDueTasks(10, runEach, now);
    expect(again).toEqual({ claimed: 1, runs: [], repeated: [task.id] });
    expect(await t.tasks.findById(task.id)).toMatchObject({
      task_status: 'ready',
      job_id: null,
      next_run_at: nextAt,
    });
    const { rows } = await t.runs.list({ page: 1, limit: 10, taskId: task.id });
    expect(rows.map((r) => [r.id, r.status])).toEqual([[runId, 'finish']]);
  });

  test('in one claim, a repeated instant is put off while the other tasks run', async () => {
    const repeatedTask = await t.tasks.create({ ...base, task_name: 'repeated', next_run_at: dueAt });
    const fresh = await t.tasks.create({ ...base, task_name: 'fresh', next_run_at: dueAt });
    await runFor(t, repeatedTask.id, dueAt, 'finish');
    const claim = await t.tasks.claimDueTasks(10, runEach, now);
    expect(claim.claimed).toBe(2);
    expect(claim.repeated).toEqual([repeatedTask.id]);
    expect(claim.runs.map((r) => r.taskId)).toEqual([fresh.id]);
    expect(await t.tasks.findById(fresh.id)).toMatchObject({ task_status: 'running' });
    expect(await t.tasks.findById(repeatedTask.id)).toMatchObject({
      task_status: 'ready',
      next_run_at: nextAt,
    });
  });

  test('the database refuses a second schedule run of one instant (task_runs_schedule_key), not a run now at it', async () => {
    const task = await t.tasks.create(base);
    await t.runs.create({ task_id: task.id, scheduled_for: dueAt, trigger: 'schedule', status: 'finish' });
    await expect(
      t.runs.create({ task_id: task.id, scheduled_for: dueAt, trigger: 'schedule', status: 'failed' }),
    ).rejects.toThrow(/task_runs_schedule_key/);
    await expect(
      t.runs.create({ task_id: task.id, scheduled_for: dueAt, trigger: 'manual', status: 'finish' }),
    ).resolves.toMatchObject({ trigger: 'manual' });
  });

  test('a task never has two runs in flight: a run now meets its run in flight, ended runs do not count', async () => {
    const task = await t.tasks.create(base);
    await t.runs.create({ task_id: task.id, scheduled_for: dueAt, trigger: 'schedule', status: 'failed' });
    const started = await t.tasks.startRun(task.id, ['ready'], {
      jobId: 'job-1',
      trigger: 'manual',
      scheduledFor: now,
    });
    expect(started?.run).toMatchObject({ status: 'queued', trigger: 'manual' });
    // A task whose running state was lost (ready, yet a run in flight) is refused as a
    // running task is (the API's 409), not made to overlap.
    await t.tasks.update(task.id, { task_status: 'ready', job_id: null });
    await expect(
      t.tasks.startRun(task.id, ['ready'], { jobId: 'job-x', trigger: 'manual', scheduledFor: nextAt }),
    ).resolves.toBeUndefined();
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
    expect((await t.runs.list({ page: 1, limit: 10, taskId: task.id })).total).toBe(2);
  });
});

describe('cancel', () => {
  test('a queued run: cancelled, its task back to ready with no job, its next due instant unchanged', async () => {
    const { task, runId, jobId } = await claimed();
    const result = await t.runs.cancel({ runId }, 'cancelled by a user', 'attempt cancelled');
    expect(result).toMatchObject({
      kind: 'cancelled',
      jobId,
      run: { id: runId, status: 'cancelled', message: 'cancelled by a user' },
    });
    expect(result.kind === 'cancelled' && result.run.finished_at).toBeInstanceOf(Date);
    expect(await t.tasks.findById(task.id)).toMatchObject({
      task_status: 'ready',
      job_id: null,
      next_run_at: nextAt,
    });
    expect(await t.runs.currentAndLast(task.id)).toMatchObject({ current: null, last: { id: runId } });
  });

  test('a running run with an attempt in flight, by task: the attempt is cancelled, the task back to its prior status', async () => {
    const task = await t.tasks.create({ ...base, task_status: 'failed', next_run_at: nextAt });
    const start = await t.tasks.startRun(task.id, ['failed'], {
      jobId: 'job-now',
      trigger: 'manual',
      scheduledFor: now,
    });
    const [begun] = await t.attempts.beginAttempts([
      { taskId: task.id, scheduledFor: now, retryCount: 0, jobId: 'job-now', runId: start!.run.id },
    ]);
    expect(begun?.kind).toBe('deliver');
    const result = await t.runs.cancel({ taskId: task.id }, 'cancelled by a user', 'attempt cancelled');
    expect(result).toMatchObject({ kind: 'cancelled', jobId: 'job-now', run: { status: 'cancelled' } });
    expect(await t.tasks.findById(task.id)).toMatchObject({
      task_status: 'failed',
      job_id: null,
      next_run_at: nextAt,
    });
    const [attempt, ...others] = await t.runs.attemptsOf(start!.run.id);
    expect(others).toEqual([]);
    expect(attempt).toMatchObject({ status: 'cancelled', message: 'attempt cancelled' });
    expect(attempt?.execution_time).toBeGreaterThanOrEqual(0);
  });

  test('a run waiting out a retry backoff is cancelled too; its settled attempts keep their verdict', async () => {
    const { task, runId, attemptId } = await delivering();
    await t.attempts.finishAttempt(
      { attemptId, status: 'failed', executionTime: 4, httpStatus: 503, message: 'HTTP 503' },
      { kind: 'continues' },
    );
    expect(await t.runs.cancel({ taskId: task.id }, 'cancelled', 'attempt cancelled')).toMatchObject({
      kind: 'cancelled',
    });
    expect(await t.runs.attemptsOf(runId)).toMatchObject([{ status: 'failed', message: 'HTTP 503' }]);
  });

  test("an ended run is 'ended' and stays as it was; a task with no run in flight, or an unknown run, is 'none'", async () => {
    const task = await t.tasks.create(base);
    expect(await t.runs.cancel({ taskId: task.id }, 'cancelled', 'attempt cancelled')).toEqual({
      kind: 'none',
    });
    const ended = await runFor(t, task.id, dueAt, 'finish');
    const result = await t.runs.cancel({ runId: ended }, 'cancelled', 'attempt cancelled');
    expect(result).toMatchObject({ kind: 'ended', run: { id: ended, status: 'finish' } });
    expect(await t.runs.findById(ended)).toMatchObject({ status: 'finish', message: null });
    expect(await t.runs.cancel({ taskId: task.id }, 'cancelled', 'attempt cancelled')).toEqual({
      kind: 'none',
    });
    expect(
      await t.runs.cancel(
        { runId: '00000000-0000-4000-8000-000000000000' },
        'cancelled',
        'attempt cancelled',
      ),
    ).toEqual({ kind: 'none' });
  });

  test('cancel first: the attempt finishing afterwards records nothing and ends nothing', async () => {
    const { task, runId, jobId, attemptId } = await delivering();
    await t.runs.cancel({ runId }, 'cancelled', 'attempt cancelled');
    expect(
      await t.attempts.finishAttempts([
        {
          result: finish(attemptId),
          run: {
            kind: 'ends',
            taskId: task.id,
            jobId,
            runStatus: 'finish',
            taskStatus: 'ready',
            message: 'HTTP 200',
          },
        },
      ]),
    ).toEqual([{ recorded: 'cancelled' }]);
    expect(await t.runs.findById(runId)).toMatchObject({
      status: 'cancelled',
      message: 'cancelled',
      http_status: null,
    });
    expect(await t.runs.attemptsOf(runId)).toMatchObject([
      { id: attemptId, status: 'cancelled', message: 'attempt cancelled', http_status: null },
    ]);
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
  });

  test("the attempt's end first: a cancel afterwards finds the run ended and changes nothing", async () => {
    const { task, runId, jobId, attemptId } = await delivering();
    await t.attempts.finishAttempt(finish(attemptId), {
      kind: 'ends',
      taskId: task.id,
      jobId,
      runStatus: 'finish',
      taskStatus: 'ready',
      message: 'HTTP 200',
    });
    expect(await t.runs.cancel({ runId }, 'cancelled', 'attempt cancelled')).toMatchObject({
      kind: 'ended',
      run: { status: 'finish' },
    });
    expect(await t.runs.cancel({ taskId: task.id }, 'cancelled', 'attempt cancelled')).toEqual({
      kind: 'none',
    });
    expect(await t.runs.findById(runId)).toMatchObject({ status: 'finish', message: 'HTTP 200' });
    expect(await t.runs.attemptsOf(runId)).toMatchObject([{ status: 'finish', message: 'ok' }]);
  });

  test('a cancel and an attempt ending at once: exactly one of them wins, and the rows agree with it', async () => {
    for (let round = 0; round < 20; round += 1) {
      await t.db.deleteFrom('tasks').execute();
      const { task, runId, jobId, attemptId } = await delivering();
      // Each side tried again on a deadlock, as RunService and the worker do.
      const [cancel, recorded] = await Promise.all([
        tryAgainOnDeadlock(() => t.runs.cancel({ runId }, 'cancelled', 'attempt cancelled')),
        tryAgainOnDeadlock(() =>
          t.attempts.finishAttempt(finish(attemptId), {
            kind: 'ends',
            taskId: task.id,
            jobId,
            runStatus: 'finish',
            taskStatus: 'ready',
            message: 'HTTP 200',
          }),
        ),
      ]);
      const run = await t.runs.findById(runId);
      const [attempt] = await t.runs.attemptsOf(runId);
      if (cancel.kind === 'cancelled') {
        expect(recorded).toBe('cancelled');
        expect([run?.status, attempt?.status]).toEqual(['cancelled', 'cancelled']);
      } else {
        expect(recorded).toBe('recorded');
        expect(cancel.kind).toBe('ended');
        expect([run?.status, attempt?.status]).toEqual(['finish', 'finish']);
      }
      expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
    }
  });

  test('a cancel that waited for an attempt ending meanwhile answers the run as it ended', async () => {
    const { task, runId, jobId, attemptId } = await delivering();
    let cancelling: Promise<CancelResult> | undefined;
    await t.db.transaction().execute(async (trx) => {
      // The attempt's end, written and not committed yet: it holds the run's row.
      await new AttemptRepository(trx).finishAttempt(finish(attemptId), {
        kind: 'ends',
        taskId: task.id,
        jobId,
        runStatus: 'finish',
        taskStatus: 'ready',
        message: 'HTTP 200',
      });
      cancelling = t.runs.cancel({ runId }, 'cancelled', 'attempt cancelled');
      await waitForLockWaiter();
    });
    const result = await cancelling!;
    expect(await t.runs.findById(runId)).toMatchObject({ status: 'finish' });
    expect(result).toMatchObject({
      kind: 'ended',
      run: { id: runId, status: 'finish', message: 'HTTP 200' },
    });
  });

  test('onlyQueuedSchedule withdraws a queued schedule run, and leaves a running run alone', async () => {
    const { task, runId } = await claimed();
    expect(
      await t.runs.cancel({ taskId: task.id, onlyQueuedSchedule: true }, 'retimed', 'retimed'),
    ).toMatchObject({ kind: 'cancelled', run: { id: runId, status: 'cancelled' } });

    await t.db.deleteFrom('tasks').execute();
    const busy = await delivering();
    const result = await t.runs.cancel(
      { taskId: busy.task.id, onlyQueuedSchedule: true },
      'retimed',
      'retimed',
    );
    expect(result.kind).not.toBe('cancelled');
    expect(await t.runs.findById(busy.runId)).toMatchObject({ status: 'running', finished_at: null });
    expect(await t.runs.attemptsOf(busy.runId)).toMatchObject([{ status: 'running' }]);
    expect(await t.tasks.findById(busy.task.id)).toMatchObject({
      task_status: 'running',
      job_id: busy.jobId,
    });
  });

  test('onlyQueuedSchedule withdraws a chained task’s queued run (trigger dependency)', async () => {
    const upstream = await t.tasks.create(base);
    const chained = await t.tasks.create({ ...base, task_schedule: null });
    await t.dependencies.replace(chained.id, [upstream.id]);
    await t.runs.create({
      task_id: upstream.id,
      scheduled_for: now,
      trigger: 'schedule',
      status: 'finish',
      finished_at: new Date(),
    });
    const [released] = await t.dependencies.releaseChainedRuns(10, () => 'job-chain');
    const result = await t.runs.cancel({ taskId: chained.id, onlyQueuedSchedule: true }, 'paused', 'paused');
    expect(result).toMatchObject({ kind: 'cancelled', run: { id: released?.runId, status: 'cancelled' } });
    expect(await t.tasks.findById(chained.id)).toMatchObject({ task_status: 'ready', job_id: null });
  });

  test('onlyQueuedSchedule leaves a queued run now alone: only a scheduled run is withdrawn', async () => {
    const task = await t.tasks.create(base);
    const start = await t.tasks.startRun(task.id, ['ready'], {
      jobId: 'job-now',
      trigger: 'manual',
      scheduledFor: now,
    });
    const result = await t.runs.cancel({ taskId: task.id, onlyQueuedSchedule: true }, 'retimed', 'retimed');
    expect(result.kind).not.toBe('cancelled');
    expect(await t.runs.findById(start!.run.id)).toMatchObject({ status: 'queued' });
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: 'job-now' });
  });
});

describe('history', () => {
  /** Sets a run's created_at, so the order of a list does not hang on the test's speed. */
  const createdAt = (runId: string, at: string) =>
    sql`UPDATE task_runs SET created_at = ${at}::timestamptz WHERE id = ${runId}`.execute(t.db);

  test('list: newest first, with task names, filtered by task, statuses, trigger and scheduled_for, paged', async () => {
    const alpha = await t.tasks.create({ ...base, task_name: 'alpha' });
    const beta = await t.tasks.create({ ...base, task_name: 'beta' });
    const a1 = await t.runs.create({
      task_id: alpha.id,
      scheduled_for: new Date('2030-01-01T00:00:00Z'),
      trigger: 'schedule',
      status: 'finish',
    });
    const a2 = await t.runs.create({
      task_id: alpha.id,
      scheduled_for: new Date('2030-01-02T00:00:00Z'),
      trigger: 'manual',
      status: 'failed',
    });
    const b1 = await t.runs.create({
      task_id: beta.id,
      scheduled_for: new Date('2030-01-03T00:00:00.000500Z'),
      trigger: 'schedule',
      status: 'running',
    });
    await createdAt(a1.id, '2030-01-01T00:00:01Z');
    await createdAt(a2.id, '2030-01-02T00:00:01Z');
    await createdAt(b1.id, '2030-01-03T00:00:01Z');

    const all = await t.runs.list({ page: 1, limit: 10 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => [r.id, r.task_name])).toEqual([
      [b1.id, 'beta'],
      [a2.id, 'alpha'],
      [a1.id, 'alpha'],
    ]);
    const ids = async (query: Partial<Parameters<typeof t.runs.list>[0]>) =>
      (await t.runs.list({ page: 1, limit: 10, ...query })).rows.map((r) => r.id);
    expect(await ids({ taskId: alpha.id })).toEqual([a2.id, a1.id]);
    expect(await ids({ statuses: ['finish', 'running'] })).toEqual([b1.id, a1.id]);
    expect(await ids({ statuses: [] })).toEqual([b1.id, a2.id, a1.id]);
    expect(await ids({ trigger: 'manual' })).toEqual([a2.id]);
    expect(await ids({ from: new Date('2030-01-02T00:00:00Z') })).toEqual([b1.id, a2.id]);
    expect(await ids({ to: new Date('2030-01-02T00:00:00Z') })).toEqual([a2.id, a1.id]);
    // `to` holds its whole millisecond, though scheduled_for has microseconds.
    expect(await ids({ to: new Date('2030-01-03T00:00:00.000Z') })).toEqual([b1.id, a2.id, a1.id]);
    expect(await ids({ taskId: alpha.id, statuses: ['failed'], trigger: 'schedule' })).toEqual([]);

    const second = await t.runs.list({ page: 2, limit: 2 });
    expect(second).toMatchObject({ total: 3, rows: [{ id: a1.id }] });
  });

  test("findById carries the task's name; attemptsOf lists a run's attempts oldest first", async () => {
    const task = await t.tasks.create({ ...base, task_name: 'named' });
    const runId = await runFor(t, task.id, dueAt, 'running');
    for (const retryCount of [1, 0, 2]) {
      await t.attempts.insertAttempt({ taskId: task.id, scheduledFor: dueAt, retryCount, runId });
    }
    expect(await t.runs.findById(runId)).toMatchObject({ id: runId, task_name: 'named' });
    expect((await t.runs.attemptsOf(runId)).map((a) => a.retry_count)).toEqual([0, 1, 2]);
    expect(await t.runs.findById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  test('currentAndLast: the run in flight, and the latest run that ended', async () => {
    const task = await t.tasks.create(base);
    expect(await t.runs.currentAndLast(task.id)).toEqual({ current: null, last: null });
    const older = await t.runs.create({
      task_id: task.id,
      scheduled_for: dueAt,
      trigger: 'schedule',
      status: 'failed',
    });
    const newer = await t.runs.create({
      task_id: task.id,
      scheduled_for: now,
      trigger: 'manual',
      status: 'finish',
    });
    await createdAt(older.id, '2030-01-01T00:00:01Z');
    await createdAt(newer.id, '2030-01-01T00:00:11Z');
    expect(await t.runs.currentAndLast(task.id)).toMatchObject({ current: null, last: { id: newer.id } });
    const active = await t.runs.create({
      task_id: task.id,
      scheduled_for: nextAt,
      trigger: 'schedule',
      status: 'queued',
    });
    // The run in flight is the task's newest (a run is made only while none is in flight).
    await createdAt(active.id, '2030-01-01T00:00:21Z');
    expect(await t.runs.currentAndLast(task.id)).toMatchObject({
      current: { id: active.id },
      last: { id: newer.id },
    });
  });
});

describe('retention', () => {
  /** An ended run of the task that finished `daysAgo` days ago, with one attempt. */
  async function endedRun(taskId: string, daysAgo: number, createdOrder: number) {
    const scheduledFor = new Date(Date.UTC(2020, 0, 1, 0, createdOrder));
    const run = await t.runs.create({
      task_id: taskId,
      scheduled_for: scheduledFor,
      trigger: 'schedule',
      status: 'finish',
    });
    await sql`UPDATE task_runs SET created_at = ${scheduledFor}::timestamptz,
                finished_at = now() - make_interval(days => ${daysAgo}) WHERE id = ${run.id}`.execute(t.db);
    await t.attempts.insertAttempt({ taskId, scheduledFor, retryCount: 0, runId: run.id });
    return run.id;
  }

  const remaining = async () =>
    (await t.db.selectFrom('task_runs').select('id').execute()).map((r) => r.id).sort();
  const attemptsLeft = async () =>
    (await t.db.selectFrom('task_logs').select('run_id').execute()).map((r) => r.run_id).sort();

  test('deletes runs that ended more than N days ago with their attempts, a bounded batch at a time, oldest first', async () => {
    const task = await t.tasks.create(base);
    const old = [
      await endedRun(task.id, 90, 1),
      await endedRun(task.id, 80, 2),
      await endedRun(task.id, 70, 3),
      await endedRun(task.id, 60, 4),
      await endedRun(task.id, 50, 5),
    ];
    const recent = await endedRun(task.id, 1, 6);
    expect(await t.runs.pruneEnded(30, 2)).toBe(2);
    expect(await remaining()).toEqual([old[2], old[3], old[4], recent].sort());
    expect(await t.runs.pruneEnded(30, 2)).toBe(2);
    expect(await t.runs.pruneEnded(30, 2)).toBe(1);
    expect(await t.runs.pruneEnded(30, 2)).toBe(0);
    expect(await remaining()).toEqual([recent]);
    // Their attempts went with them.
    expect(await attemptsLeft()).toEqual([recent]);
  });

  test("never a task's latest run, however old; never a run in flight", async () => {
    const lonely = await t.tasks.create({ ...base, task_name: 'one run only' });
    const onlyRun = await endedRun(lonely.id, 400, 1);
    const busy = await t.tasks.create({ ...base, task_name: 'busy' });
    const busyOld = await endedRun(busy.id, 400, 1);
    // A run in flight made long ago (a retry backing off for long, say): kept.
    const inFlight = await endedRun(busy.id, 300, 2);
    await sql`UPDATE task_runs SET status = 'running', finished_at = NULL WHERE id = ${inFlight}`.execute(
      t.db,
    );
    const busyLatest = await endedRun(busy.id, 200, 3);
    expect(await t.runs.pruneEnded(30, 100)).toBe(1);
    expect(await remaining()).toEqual([onlyRun, inFlight, busyLatest].sort());
    expect(await t.runs.findById(busyOld)).toBeUndefined();
    expect(await t.runs.currentAndLast(lonely.id)).toMatchObject({ last: { id: onlyRun } });
  });
});

test('the database refuses a run in flight with an end, and an ended run without one', async () => {
  const task = await t.tasks.create({ ...base, task_name: 'consistent' });
  const run = await t.runs.create({
    task_id: task.id,
    scheduled_for: dueAt,
    trigger: 'manual',
    status: 'queued',
  });
  await expect(
    sql`UPDATE task_runs SET finished_at = now() WHERE id = ${run.id}`.execute(t.db),
  ).rejects.toThrow(/task_runs_in_flight_until_finished/);
  await expect(
    sql`UPDATE task_runs SET status = 'failed' WHERE id = ${run.id}`.execute(t.db),
  ).rejects.toThrow(/task_runs_in_flight_until_finished/);
});

describe('the watchdog', () => {
  /** Runs made, and their tasks last changed, `seconds` ago (the trigger keeps updated_at current: set it back directly). */
  const ageRuns = async (seconds: number) => {
    await sql`UPDATE task_runs SET created_at = now() - make_interval(secs => ${seconds})`.execute(t.db);
    await setTasksUpdatedAt(sql`now() - make_interval(secs => ${seconds})`);
  };
  const setTasksUpdatedAt = async (at: RawBuilder<unknown>) => {
    await sql`ALTER TABLE tasks DISABLE TRIGGER tasks_set_updated_at`.execute(t.db);
    await sql`UPDATE tasks SET updated_at = ${at}`.execute(t.db);
    await sql`ALTER TABLE tasks ENABLE TRIGGER tasks_set_updated_at`.execute(t.db);
  };

  test('sees only runs in flight older than its grace period, each with its task job', async () => {
    const { task, runId, jobId } = await claimed();
    const done = await t.tasks.create({ ...base, task_name: 'done' });
    await runFor(t, done.id, dueAt, 'finish');
    expect(await t.runs.findLongActive(60_000, 10)).toEqual([]);
    await ageRuns(60);
    const [run, ...others] = await t.runs.findLongActive(10_000, 10);
    expect(others).toEqual([]);
    expect(run).toMatchObject({
      id: runId,
      task_id: task.id,
      scheduled_for: dueAt,
      trigger: 'schedule',
      job_id: jobId,
      max_retry: 3,
    });
  });

  test('releaseLost fails the run, closes its attempts left running and frees the task, once', async () => {
    const { task, runId, jobId } = await delivering();
    expect(await t.runs.releaseLost(runId, jobId, 'attempt lost')).toBe(true);
    expect(await t.runs.findById(runId)).toMatchObject({ status: 'failed', message: 'attempt lost' });
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
    // No worker will write that attempt's result: it no longer shows as running.
    expect(await t.runs.attemptsOf(runId)).toMatchObject([
      { status: 'failed', message: 'attempt lost', retry_count: 0 },
    ]);
    // An ended run is not released again.
    expect(await t.runs.releaseLost(runId, jobId, 'again')).toBe(false);
    expect(await t.runs.findById(runId)).toMatchObject({ message: 'attempt lost' });
  });

  test('releaseLost frees the task only while the lost run’s job still owns it', async () => {
    const { task, runId } = await claimed();
    expect(await t.runs.releaseLost(runId, 'job-other', 'lost')).toBe(true);
    expect(await t.runs.findById(runId)).toMatchObject({ status: 'failed' });
    expect(await t.tasks.findById(task.id)).toMatchObject({
      task_status: 'running',
      job_id: `job-${task.id}`,
    });
  });

  test('pages through runs whose tasks share one updated_at, without repeating or skipping', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const task = await t.tasks.create(base);
      ids.push(await runFor(t, task.id, dueAt, 'queued'));
    }
    await t.db
      .updateTable('tasks')
      .set({ task_status: 'running', job_id: sql`'job-' || id` })
      .execute();
    // One claim stamps its whole batch with the same updated_at (to the microsecond).
    await sql`UPDATE task_runs SET created_at = '2020-01-01 00:00:00.123456+00'`.execute(t.db);
    await setTasksUpdatedAt(sql`'2020-01-01 00:00:00.123456+00'`);
    const seen: string[] = [];
    let page = await t.runs.findLongActive(10_000, 2);
    // Bounded: a cursor that lost precision would serve the same page forever.
    for (let pages = 0; page.length > 0 && pages < 10; pages += 1) {
      seen.push(...page.map((run) => run.id));
      page = await t.runs.findLongActive(10_000, 2, page.at(-1));
    }
    // Each once (in the order of their tasks' ids, which tie on updated_at).
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(seen).toHaveLength(ids.length);
  });
});
