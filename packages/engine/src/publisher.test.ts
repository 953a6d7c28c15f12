import { sql } from 'kysely';
import { createLogger } from '@scheduler/config';
import { dueAt } from '@scheduler/core';
import { DELIVERY_QUEUE, type DeliveryJobData, deliveryJobId } from '@scheduler/queue';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { describe, expect, test, vi } from 'vitest';
import { type TestDatabase, usePublisherFixture, waitFor } from '@scheduler/test-support';
import { BROKEN_SCHEDULE_RETRY_MS, Publisher } from './publisher';
import { LOST_ATTEMPT_MESSAGE, Watchdog } from './watchdog';

const f = usePublisherFixture(new Date('2030-01-01T00:00:00.000Z'));
const logger = createLogger('test', { logLevel: 'fatal', logFormat: 'json' });

/** Jobs waiting for a worker: every run has its task's priority, so they are BullMQ's `prioritized`. */
async function queuedJobs(): Promise<number> {
  const counts = await f.queue.getJobCounts('waiting', 'prioritized');
  return (counts.waiting ?? 0) + (counts.prioritized ?? 0);
}

const task = (fields: Partial<Parameters<TestDatabase['tasks']['create']>[0]> = {}) =>
  f.t.tasks.create({
    task_name: 'minutely',
    task_schedule: '* * * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{"content":"hi"}',
    ...fields,
  });

describe('a tick', () => {
  test('a jittered run keeps its nominal instant as scheduled_for and records when it came due (SPEC §13)', async () => {
    const jittered = await task({ jitter_ms: 30_000 });
    const nominal = new Date(f.clock.getTime() - 60_000);
    await f.t.tasks.update(jittered.id, { next_run_at: dueAt(jittered, nominal) });
    expect((await f.publisher().tick()).enqueued).toBe(1);
    const { rows: runs } = await f.t.runs.list({ page: 1, limit: 10, taskId: jittered.id });
    const [run] = runs;
    expect(run?.scheduled_for).toEqual(nominal);
    expect(run?.due_at).toEqual(dueAt(jittered, nominal));
    expect(run!.due_at!.getTime()).toBeGreaterThan(nominal.getTime());
    // The worker counts the run's lateness from it too.
    const job = await f.queue.getJob(deliveryJobId(jittered.id, nominal));
    expect(job?.data.dueAt).toBe(run!.due_at!.toISOString());
    // Without jitter, it came due at scheduled_for: nothing more is written.
    const plain = await task({ next_run_at: f.clock });
    await f.publisher().tick();
    const { rows: plainRuns } = await f.t.runs.list({ page: 1, limit: 10, taskId: plain.id });
    expect(plainRuns[0]?.due_at).toBeNull();
    expect((await f.queue.getJob(deliveryJobId(plain.id, f.clock)))?.data).not.toHaveProperty('dueAt');
  });

  test('gives a task inserted by hand its first due instant, in its timezone', async () => {
    const hand = await task({ task_schedule: '0 9 * * *', timezone: 'Asia/Tokyo' });
    const result = await f.publisher().tick();
    expect(result.scheduled).toBe(1);
    // 09:00 in Tokyo is 00:00 UTC; 'after' is exactly midnight, so the next one is a day later.
    expect((await f.t.tasks.findById(hand.id))?.next_run_at).toEqual(new Date('2030-01-02T00:00:00Z'));
  });

  test('enqueues a due task once, with a deterministic job id, attempts = max_retry + 1, and advances it', async () => {
    const due = await task({ next_run_at: f.clock, max_retry: 2 });
    const result = await f.publisher().tick();
    expect(result.enqueued).toBe(1);
    const job = await f.queue.getJob(deliveryJobId(due.id, f.clock));
    const { rows: runs } = await f.t.runs.list({ page: 1, limit: 10, taskId: due.id });
    expect(runs).toMatchObject([
      { scheduled_for: f.clock, trigger: 'schedule', status: 'queued', attempt_count: 0 },
    ]);
    expect(job?.data).toEqual({
      taskId: due.id,
      runId: runs[0]?.id,
      scheduledFor: f.clock.toISOString(),
      trigger: 'schedule',
      // Its destination, for flow control to admit it before its attempt starts.
      destination: 'http://127.0.0.1:4000',
      // No dependencies: the worker need not look at any (SPEC §13's gate).
      gated: false,
    });
    expect(job?.opts.attempts).toBe(3);
    expect(await f.t.tasks.findById(due.id)).toMatchObject({
      task_status: 'running',
      job_id: deliveryJobId(due.id, f.clock),
      next_run_at: new Date('2030-01-01T00:01:00Z'),
    });
    // Running tasks are not claimed again, so runs of one task never overlap.
    f.clock = new Date('2030-01-01T00:05:00Z');
    expect((await f.publisher().tick()).enqueued).toBe(0);
  });

  test('a task with dependencies is claimed gated: the worker looks at them before its attempt', async () => {
    const upstream = await task({ task_name: 'upstream' });
    const gated = await task({ task_name: 'gated', next_run_at: f.clock });
    await f.t.db
      .insertInto('task_dependencies')
      .values({ task_id: gated.id, depends_on: upstream.id })
      .execute();
    expect((await f.publisher().tick()).enqueued).toBe(1);
    const job = await f.queue.getJob(deliveryJobId(gated.id, f.clock));
    expect(job?.data.gated).toBe(true);
  });

  test('instants missed while no publisher ran coalesce into one run', async () => {
    const late = await task({ next_run_at: new Date('2029-12-31T23:00:00Z') });
    f.clock = new Date('2030-01-01T00:00:30Z');
    expect((await f.publisher().tick()).enqueued).toBe(1);
    expect(await queuedJobs()).toBe(1);
    expect((await f.t.tasks.findById(late.id))?.next_run_at).toEqual(new Date('2030-01-01T00:01:00Z'));
  });

  test('a schedule that no longer parses is skipped and looked at again later, without stopping the others', async () => {
    const broken = await task({ task_schedule: 'every tuesday', next_run_at: f.clock });
    const fine = await task({ next_run_at: f.clock });
    const result = await f.publisher().tick();
    expect(result).toMatchObject({ enqueued: 1, deferred: 1 });
    expect(await f.t.tasks.findById(broken.id)).toMatchObject({
      task_status: 'ready',
      next_run_at: new Date(f.clock.getTime() + BROKEN_SCHEDULE_RETRY_MS),
    });
    expect((await f.t.tasks.findById(fine.id))?.task_status).toBe('running');
  });

  test('a schedule that never comes due, written by hand, fires nothing and is looked at again later', async () => {
    const never = await task({ task_schedule: '0 0 30 2 *', next_run_at: f.clock });
    expect(await f.publisher().tick()).toMatchObject({ enqueued: 0, deferred: 1 });
    f.clock = new Date(f.clock.getTime() + BROKEN_SCHEDULE_RETRY_MS);
    expect(await f.publisher().tick()).toMatchObject({ enqueued: 0, deferred: 1 });
    expect(await queuedJobs()).toBe(0);
    expect(await f.t.tasks.findById(never.id)).toMatchObject({
      task_status: 'ready',
      next_run_at: new Date(f.clock.getTime() + BROKEN_SCHEDULE_RETRY_MS),
    });
  });

  test('a due instant set to -infinity by hand is overdue: it fires once, now, beside the others', async () => {
    const odd = await task();
    await sql`UPDATE tasks SET next_run_at = '-infinity' WHERE id = ${odd.id}`.execute(f.t.db);
    const fine = await task({ next_run_at: f.clock });
    expect(await f.publisher().tick()).toMatchObject({ enqueued: 2 });
    expect(await f.queue.getJob(deliveryJobId(odd.id, f.clock))).toBeDefined();
    expect(await f.t.tasks.findById(odd.id)).toMatchObject({
      task_status: 'running',
      next_run_at: new Date('2030-01-01T00:01:00Z'),
    });
    expect((await f.t.tasks.findById(fine.id))?.task_status).toBe('running');
  });

  test('a one-time task fires once, at its run_at, and is never due again (not a broken schedule)', async () => {
    const once = await task({ task_schedule: null, run_at: f.clock, next_run_at: f.clock });
    expect(await f.publisher().tick()).toMatchObject({ enqueued: 1, deferred: 0 });
    expect(await f.t.tasks.findById(once.id)).toMatchObject({ task_status: 'running', next_run_at: null });
    // Its run ends: the task stays ready, with nothing due, and later ticks leave it alone.
    await sql`UPDATE tasks SET task_status = 'ready', job_id = NULL WHERE id = ${once.id}`.execute(f.t.db);
    f.clock = new Date('2030-01-02T00:00:00Z');
    expect(await f.publisher().tick()).toEqual({ enqueued: 0, deferred: 0, scheduled: 0 });
    expect((await f.t.runs.list({ page: 1, limit: 10, taskId: once.id })).total).toBe(1);
  });

  test('a due instant that already has its run is not run again', async () => {
    const due = await task({ next_run_at: f.clock });
    await f.t.runs.create({ task_id: due.id, scheduled_for: f.clock, trigger: 'schedule', status: 'finish' });
    expect(await f.publisher().tick()).toMatchObject({ enqueued: 0, deferred: 1 });
    expect(await f.t.tasks.findById(due.id)).toMatchObject({
      task_status: 'ready',
      next_run_at: new Date('2030-01-01T00:01:00Z'),
    });
    expect(await queuedJobs()).toBe(0);
  });

  test('drains a burst larger than one batch within the same tick', async () => {
    for (let i = 0; i < 25; i++) await task({ task_name: `t${i}`, next_run_at: f.clock });
    expect((await f.publisher({ batchSize: 10 }).tick()).enqueued).toBe(25);
    expect(await queuedJobs()).toBe(25);
  });

  test('paused tasks are not enqueued', async () => {
    await task({ next_run_at: f.clock, enabled: false });
    expect((await f.publisher().tick()).enqueued).toBe(0);
  });
});

test("a publisher whose host clock runs ahead says so, and fires only what is due by PostgreSQL's clock", async () => {
  const realNow = Date.now();
  const due = await task({ next_run_at: new Date(realNow - 1000) });
  // Due in 30 minutes: by this host's clock, below, half an hour overdue.
  const later = await task({ next_run_at: new Date(realNow + 1_800_000) });
  const warnings: string[] = [];
  const recording = createLogger('test', { logLevel: 'warn', logFormat: 'json' });
  recording.warn = (message: unknown) => warnings.push(String(message));
  // This host an hour ahead of PostgreSQL (on the same machine, its clock is the real one).
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 3_600_000);
  const onDatabaseClock = new Publisher({
    tasks: f.t.tasks,
    runs: f.t.runs,
    dependencies: f.t.dependencies,
    queue: f.queue,
    logger: recording,
    intervalMs: 1000,
    retryBackoffMs: 100,
  });
  try {
    onDatabaseClock.start();
    await waitFor('the clock warning', async () => warnings.length > 0);
    await waitFor(
      'the due task to be claimed',
      async () => (await f.t.tasks.findById(due.id))?.task_status === 'running',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // another tick or two
  } finally {
    await onDatabaseClock.stop();
    vi.useRealTimers();
  }
  expect(warnings).toEqual([
    expect.stringMatching(
      /^this host's clock is \d+ ms ahead of PostgreSQL's: ticks follow PostgreSQL's clock/,
    ),
  ]);
  const gapMs = Number(/is (\d+) ms/.exec(warnings[0] ?? '')?.[1]);
  expect(Math.abs(gapMs - 3_600_000)).toBeLessThan(5_000);
  expect(await f.t.tasks.findById(later.id)).toMatchObject({ task_status: 'ready' });
  expect(await f.queue.getJob(deliveryJobId(later.id, later.next_run_at!))).toBeUndefined();
});

describe('the watchdog', () => {
  const watchdog = () => new Watchdog({ runs: f.t.runs, queue: f.queue, logger, retryBackoffMs: 100 });

  test('re-enqueues a run whose job was never added, as the publisher made it, and leaves live runs alone', async () => {
    const lost = await task({ next_run_at: f.clock, priority: 8, deliver_within_ms: 60_000 });
    await f.publisher().tick();
    const jobId = deliveryJobId(lost.id, f.clock);
    // A publisher that died between its commit and the add:
    const made = await f.queue.getJob(jobId);
    expect(made?.data.destination).toMatch(/^https?:\/\//);
    expect(made?.data.deliverBy).toBeDefined();
    await made?.remove();
    expect(await watchdog().check(0)).toEqual({ released: 0, requeued: 1 });
    expect(await f.queue.getJobState(jobId)).toBe('prioritized');
    // Its destination's flow control admits it, in its priority, within its deadline.
    const again = await f.queue.getJob(jobId);
    expect(again?.data).toMatchObject({
      runId: made?.data.runId,
      destination: made?.data.destination,
      deliverBy: made?.data.deliverBy,
    });
    expect(again?.opts.priority).toBe(made?.opts.priority);
    expect(again?.opts.priority).toBe(3);
    expect(await watchdog().check(0)).toEqual({ released: 0, requeued: 0 });
    expect((await f.t.tasks.findById(lost.id))?.task_status).toBe('running');
  });

  test('returns a task to ready when its job ended but the task never heard of it', async () => {
    const stuck = await task({ next_run_at: f.clock, max_retry: 0 });
    await f.publisher().tick();
    const jobId = deliveryJobId(stuck.id, f.clock);
    // A worker that starts the attempt, then ends the job without recording its result
    // (BullMQ failing a job that stalled too often looks the same).
    const rogue = new Worker(
      DELIVERY_QUEUE,
      async (job: Job<DeliveryJobData>) => {
        await f.t.attempts.beginAttempts([
          {
            taskId: stuck.id,
            scheduledFor: f.clock,
            retryCount: 0,
            jobId: job.id ?? '',
            runId: job.data.runId,
          },
        ]);
        throw new UnrecoverableError('worker vanished');
      },
      { connection: f.redis, prefix: f.prefix },
    );
    await waitFor('the job to fail', async () => (await f.queue.getJobState(jobId)) === 'failed');
    await rogue.close();
    expect(await watchdog().check(0)).toEqual({ released: 1, requeued: 0 });
    expect(await f.t.tasks.findById(stuck.id)).toMatchObject({ task_status: 'ready', job_id: null });
    expect(await f.t.attempts.listForTask(stuck.id, 10)).toMatchObject([
      { status: 'failed', message: LOST_ATTEMPT_MESSAGE },
    ]);
    expect((await f.t.runs.list({ page: 1, limit: 10, taskId: stuck.id })).rows).toMatchObject([
      { status: 'failed', message: LOST_ATTEMPT_MESSAGE, attempt_count: 1 },
    ]);
  });

  test('leaves alone a run whose job waits for its retry', async () => {
    const retrying = await task({ next_run_at: f.clock, max_retry: 2 });
    await f.publisher().tick();
    const jobId = deliveryJobId(retrying.id, f.clock);
    // A first attempt that failed: BullMQ holds the job back for its backoff.
    const failing = new Worker(
      DELIVERY_QUEUE,
      async () => {
        throw new Error('receiver down');
      },
      { connection: f.redis, prefix: f.prefix, settings: { backoffStrategy: () => 60_000 } },
    );
    await waitFor(
      'the job to wait for its retry',
      async () => (await f.queue.getJobState(jobId)) === 'delayed',
    );
    await failing.close();
    expect(await watchdog().check(0)).toEqual({ released: 0, requeued: 0 });
    expect((await f.t.tasks.findById(retrying.id))?.task_status).toBe('running');
  });

  test('finds a lost run behind a page of live ones on its next look, then starts over', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await task({ next_run_at: f.clock })).id);
    await f.publisher().tick();
    // The run that sorts last (one claim: its tasks share one updated_at, then by task id) lost
    // its job; the two before it fill the first page and stay alive.
    const lost = [...ids].sort().at(-1) ?? '';
    await (await f.queue.getJob(deliveryJobId(lost, f.clock)))?.remove();
    const paged = new Watchdog({ runs: f.t.runs, queue: f.queue, logger, retryBackoffMs: 100, pageSize: 2 });
    expect(await paged.check(0)).toEqual({ released: 0, requeued: 0 });
    expect(await paged.check(0)).toEqual({ released: 0, requeued: 1 });
    expect(await f.queue.getJobState(deliveryJobId(lost, f.clock))).toBe('prioritized');
    expect(await paged.check(0)).toEqual({ released: 0, requeued: 0 });
  });

  test('ignores runs younger than its grace period', async () => {
    await task({ next_run_at: f.clock });
    await f.publisher().tick();
    expect(await watchdog().check(60_000)).toEqual({ released: 0, requeued: 0 });
  });
});
