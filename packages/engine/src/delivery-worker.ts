import {
  backoffDelayMs,
  decideRateLimited,
  decideRetry,
  gateDecision,
  hasPlaceholders,
  healthChange,
  renderPayload,
  type RetryDecision,
  signingSecrets,
  templateValues,
} from '@scheduler/core';
import { describeError, type Logger } from '@scheduler/config';
import {
  isPostgresUnavailable,
  isTransientStorageError,
  type AttemptFinished,
  type AttemptRepository,
  type AttemptResult,
  type AttemptStart,
  type AttemptStarted,
  type DeliveryTarget,
  type DependencyRepository,
  type RunOutcome,
  type RunRepository,
} from '@scheduler/db';
import {
  createDeliveryQueue,
  DELIVERY_QUEUE,
  type DeliveryJobData,
  type DeliveryQueue,
  type EventPublisher,
  isRedisUnavailable,
  type Redis,
  runCancelledChannel,
  taskPriorityOf,
} from '@scheduler/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Alerter } from './alerter';
import type { Admission, FlowControl, Lease } from './flow-control/flow-control';
import type { AttemptMetricOutcome, EngineMetrics } from './metrics';
import type { Liveness } from './metrics-server';
import { MicroBatch } from './micro-batch';
import { OutageLog } from './outage-log';
import type { Delivery, WebhookClient } from './webhook-client';

/** A delivery slot taken at a destination, given back once (with the answer, or without one). */
interface Slot {
  flow: FlowControl;
  lease: Lease;
  settled: boolean;
  /** Giving it back with the answer: awaited before the run's job ends (see attemptListening). */
  settling?: Promise<void>;
}

/** How often the result of a delivery is written again before the run is put off. */
const RECORD_TRIES = 4;
/** The first pause between those writes; it doubles each time (0.5 s, 1 s, 2 s). */
const RECORD_RETRY_MS = 500;
/** How long a run waits when its attempt could not be written (PostgreSQL down, say). */
const STORAGE_RETRY_MS = 5_000;
/** How often a run waiting for its dependencies looks at them again. */
const DEPENDENCY_LOOK_MS = 1_000;
/** How many times a delivery may lose its worker and be made again before BullMQ fails its run. */
const MAX_STALLED_COUNT = 2;

/**
 * Writing an attempt failed. For a passing reason (PostgreSQL down, say) the
 * run is put off, without spending one of its retries; for a fault that would
 * recur on every try, the run ends there.
 */
class StorageError extends Error {
  readonly transient: boolean;

  constructor(
    readonly step: 'start' | 'result',
    cause: unknown,
  ) {
    super(describeError(cause), { cause });
    this.name = 'StorageError';
    this.transient = isTransientStorageError(cause);
  }
}

/** A failed attempt that will be retried after `delayMs` (our BullMQ backoff reads it). */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

export interface DeliveryWorkerDeps {
  attempts: AttemptRepository;
  /** Ends runs past their delivery deadline (SPEC §13); without it, only the watchdog does. */
  runs?: RunRepository;
  /** SPEC §13's gate: a run waits for its task's dependencies, or is skipped. */
  dependencies?: DependencyRepository;
  /** DEPENDENCY_WAIT_MS: how long a run waits for dependencies in flight. */
  dependencyWaitMs?: number;
  webhooks: WebhookClient;
  connection: Redis;
  prefix: string;
  concurrency: number;
  retryBackoffMs: number;
  logger: Logger;
  /** How long a job's lock lives without renewal: bounds how soon a crashed worker's job is redelivered. */
  lockDurationMs?: number;
  /** Flow control (SPEC §12): destinations' limits, holds and pacing; none delivers without it. */
  flow?: FlowControl;
  /** Counts attempts by outcome and times deliveries (SPEC §15); none: not measured. */
  metrics?: EngineMetrics;
  /** Live events (SPEC §15): run.started, attempt.finished, run.finished. */
  events?: EventPublisher;
  /** SPEC §14 alerts: task.failed, task.disabled, task.recovered, sent by this worker itself. */
  alerts?: Alerter;
}

/** The first recheck of a run waiting for a slot (no known end); it doubles up to RECHECK_MAX_MS. */
const RECHECK_MS = 50;
const RECHECK_MAX_MS = 1000;
/** How soon a run waiting for a bucket's answer looks again. */
const BUCKET_RECHECK_MS = 100;
/** Runs put off wake on this grid (see wakeAt). */
const WAKE_GRID_MS = 25;

/**
 * The first grid instant at or after `at` (epoch ms). Wake-ups fall on a grid: runs waking
 * together come back to the queue together, and the queue hands them out by priority (then
 * due order) — not by who woke a few ms first.
 */
function onWakeGrid(at: number): number {
  return Math.ceil(at / WAKE_GRID_MS) * WAKE_GRID_MS;
}

/**
 * The worker of SPEC §5: one BullMQ job is one run of a task; each of its
 * attempts is logged in task_logs, retried by BullMQ with our backoff, and the
 * run's end returns the task to `ready` or marks it `failed`.
 */
export class DeliveryWorker {
  private worker: Worker<DeliveryJobData, void, string> | undefined;
  /** Attempt rows are written in batches across the deliveries in flight, not one round trip each. */
  private readonly starts: MicroBatch<AttemptStart, AttemptStarted>;
  private readonly finishes: MicroBatch<{ result: AttemptResult; run: RunOutcome }, AttemptFinished>;
  private readonly postgresOutage: OutageLog;
  private readonly redisOutage: OutageLog;
  /** The deliveries in flight on this worker, by run id: a cancel announced for one aborts its request. */
  private readonly inFlight = new Map<string, AbortController>();
  /** Hears cancels (a connection in subscriber mode can do nothing else). */
  private subscriber: Redis | undefined;
  /** How many times in a row each job waiting for a slot was put off here: its recheck backs off. */
  private readonly rechecks = new Map<string, number>();
  /** Wakes runs waiting for a slot given back (see wake); made at the first. */
  private queue: DeliveryQueue | undefined;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.postgresOutage = new OutageLog(
      deps.logger,
      'PostgreSQL',
      `runs are put off ${STORAGE_RETRY_MS / 1000} s at a time until it answers, spending no retry`,
    );
    this.redisOutage = new OutageLog(deps.logger, 'Redis', 'no run is taken until it answers');
    // A batch refused for a fault (not an outage) is written again one by one: the attempt at fault fails alone.
    // One statement of each kind in flight: what arrives meanwhile waits for it and goes out in
    // the next, so a busy worker sends fewer, larger statements (each costs PostgreSQL a parse,
    // a plan and a commit).
    const options = { splitOn: (error: unknown) => !isTransientStorageError(error), maxInFlight: 1 };
    this.starts = new MicroBatch((items) => deps.attempts.beginAttempts(items), options);
    this.finishes = new MicroBatch((items) => deps.attempts.finishAttempts(items), options);
  }

  start(): void {
    this.listenForCancels();
    this.deps.flow?.start();
    const lockDuration = this.deps.lockDurationMs ?? 10_000;
    this.worker = new Worker<DeliveryJobData, void, string>(
      DELIVERY_QUEUE,
      (job, token) => this.process(job, token),
      {
        connection: this.deps.connection,
        prefix: this.deps.prefix,
        concurrency: this.deps.concurrency,
        lockDuration,
        stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
        maxStalledCount: MAX_STALLED_COUNT,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
            error instanceof RetryableDeliveryError
              ? error.delayMs
              : backoffDelayMs(Math.max(0, attemptsMade - 1), this.deps.retryBackoffMs),
        },
      },
    );
    this.worker.on('error', (error) => {
      if (isRedisUnavailable(error) || isPostgresUnavailable(error)) this.redisOutage.failed(error);
      else this.deps.logger.error({ err: error }, `queue error: ${error.message}`);
    });
    this.deps.connection.on('ready', () => this.redisOutage.recovered());
    this.worker.on('stalled', (jobId) =>
      this.deps.logger.warn(
        { jobId },
        'a delivery stalled (its worker stopped, or its event loop was blocked past the lock): it is made again',
      ),
    );
    this.worker.on('failed', (job, error) => {
      if (job?.deferredFailure) {
        // BullMQ gave up on a job that stalled too often; no attempt of ours saw it end.
        this.deps.logger.error(
          { taskId: job.data.taskId, scheduledFor: job.data.scheduledFor, jobId: job.id },
          `run ended: ${job.deferredFailure} (its delivery stopped a worker ${MAX_STALLED_COUNT + 1} times); the watchdog closes its attempt and returns the task to ready`,
        );
        return;
      }
      // Our own outcomes were logged where they were decided; anything else is a fault to see.
      if (error instanceof RetryableDeliveryError || error instanceof UnrecoverableError) return;
      this.deps.logger.error({ err: error, taskId: job?.data.taskId }, `attempt failed: ${error.message}`);
    });
  }

  /**
   * One attempt of one run. When its attempt cannot be written because
   * PostgreSQL is out of reach, the run is put off for STORAGE_RETRY_MS and made
   * again, the same attempt on the same row: an outage spends none of the task's
   * retries and leaves no row `running`. (A delivery whose result could not be
   * written is made again: delivery is at least once.) When PostgreSQL refuses
   * the write itself, trying again would only call the webhook again and again:
   * the run ends, and the watchdog returns its task to `ready`.
   */
  async process(job: Job<DeliveryJobData, void, string>, token?: string): Promise<void> {
    try {
      const gate = await this.gate(job);
      if (gate === 'closed') return;
      if (gate === 'wait') {
        // Not an attempt: the job comes back in a second, spending nothing.
        await job.moveToDelayed(Date.now() + DEPENDENCY_LOOK_MS, token);
        throw new DelayedError();
      }
      await this.attempt(job, token);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      if (!error.transient) {
        this.deps.logger.error(
          { err: error.cause, taskId: job.data.taskId, scheduledFor: job.data.scheduledFor },
          `could not record the attempt's ${error.step} (${error.message}): PostgreSQL refused it, and would again, so this run ends here${error.step === 'result' ? ' (its webhook was called)' : ''}`,
        );
        throw new UnrecoverableError(`could not record the attempt's ${error.step}: ${error.message}`);
      }
      if (isPostgresUnavailable(error.cause)) this.postgresOutage.failed(error.cause);
      this.deps.logger.warn(
        { taskId: job.data.taskId, scheduledFor: job.data.scheduledFor },
        `could not record the attempt's ${error.step} (${error.message}): making it again in ${STORAGE_RETRY_MS / 1000} s, without spending a retry`,
      );
      await job.moveToDelayed(Date.now() + STORAGE_RETRY_MS, token);
      throw new DelayedError();
    }
  }

  private async attempt(job: Job<DeliveryJobData, void, string>, token: string | undefined): Promise<void> {
    const { taskId, runId } = job.data;
    const log = this.deps.logger.child({
      taskId,
      runId,
      scheduledFor: job.data.scheduledFor,
      retryCount: job.attemptsMade + (job.data.rateLimited ?? 0),
    });

    // Flow control first: a run its destination does not admit now waits in the queue's
    // delayed set — no attempt row, no delivery slot of this worker — until it may go.
    const { destination } = job.data;
    const flow = this.deps.flow;
    const slot: Slot | undefined =
      destination && flow ? await this.admit(job, token, flow, destination, log) : undefined;
    try {
      return await this.listen(job, token, log, slot);
    } finally {
      // Given back with the answer: the job ends once Redis has it, so the next run this worker
      // takes never finds the slot still counted.
      if (slot?.settling) await slot.settling;
      // A slot not settled by an answer (no request made, or it failed before one): given back.
      if (slot && !slot.settled) {
        slot.settled = true;
        await slot.flow.settle(slot.lease, null).catch((error: unknown) => {
          log.warn(
            { err: error },
            `could not give back a delivery slot (${describeError(error)}): its lease lapses`,
          );
        });
      }
    }
  }

  /** Takes a slot at the destination, or puts the run off until it may go (throws DelayedError). */
  private async admit(
    job: Job<DeliveryJobData, void, string>,
    token: string | undefined,
    flow: FlowControl,
    destination: string,
    log: Logger,
  ): Promise<Slot> {
    const jobId = job.id ?? '';
    const due = Date.parse(job.data.dueAt ?? job.data.scheduledFor);
    const admission = await flow.admit(destination, jobId, taskPriorityOf(job.opts.priority), due);
    if (admission.kind === 'admitted') {
      this.rechecks.delete(jobId);
      return { flow, lease: admission.lease, settled: false };
    }
    const wakeAt = this.wakeAt(jobId, admission);
    log.debug(
      { destination, wakeAt, reason: admission.reason },
      `waiting for ${destination}: ${admission.reason}`,
    );
    await job.moveToDelayed(wakeAt, token);
    throw new DelayedError();
  }

  /**
   * When a run put off wakes (epoch ms): when a hold ends, or — at a limit with no known end —
   * after a short recheck that backs off.
   */
  private wakeAt(jobId: string, admission: Extract<Admission, { kind: 'wait' }>): number {
    // From the hold's own end, not from now plus what is left of it: every run put off by
    // one hold wakes at the same instant, whatever the moment each was told to wait.
    if (admission.heldUntil) return onWakeGrid(admission.heldUntil.getTime() + 2);
    let delay: number;
    if (admission.reason.startsWith('bucket')) {
      // Waiting for the answer that tells the bucket (its first, or a new window's): that comes
      // within a round trip, so every run waiting on it rechecks at one short pace, together.
      delay = BUCKET_RECHECK_MS;
    } else {
      const times = this.rechecks.get(jobId) ?? 0;
      if (this.rechecks.size > 10_000) this.rechecks.clear();
      this.rechecks.set(jobId, times + 1);
      delay = Math.min(RECHECK_MAX_MS, RECHECK_MS * 2 ** times);
    }
    // The instant itself goes to moveToDelayed: a delay re-added to a later Date.now() would
    // fall a millisecond off the grid, behind runs of the same priority put off after it.
    return onWakeGrid(Date.now() + delay);
  }

  /**
   * The run ranked first among those waiting for a slot just given back looks now: its job
   * leaves the delayed set at once. (Taken meanwhile, or gone: nothing to do.)
   */
  private wake(jobId: string): void {
    const queue = (this.queue ??= createDeliveryQueue(this.deps.connection, this.deps.prefix));
    void queue
      .getJob(jobId)
      .then((job) => job?.promote())
      .catch(() => undefined);
  }

  /** Gives the slot back with what the answer taught, and logs a hold it started (once per hold). */
  private async settleSlot(slot: Slot, delivery: Delivery, log: Logger): Promise<void> {
    if (slot.settled) return;
    slot.settled = true;
    const { outcome, signals } = delivery;
    const httpStatus =
      outcome.kind === 'delivered' || outcome.kind === 'http-error' ? outcome.httpStatus : null;
    const destination = slot.lease.destination;
    try {
      const settled = await slot.flow.settle(slot.lease, httpStatus, signals);
      if (settled.wake) this.wake(settled.wake);
      if (settled.newHold) {
        this.deps.metrics?.destinationHolds.inc();
        this.deps.events?.emit('destination.held', {
          destination: settled.newHold.global ? 'discord:*' : destination,
          held_until: settled.newHold.until.toISOString(),
          reason: settled.newHold.reason,
        });
        const scope = settled.newHold.global ? 'every Discord destination' : `destination ${destination}`;
        log.warn(
          { destination, heldUntil: settled.newHold.until.toISOString() },
          `${scope} held until ${settled.newHold.until.toISOString()}: ${settled.newHold.reason}`,
        );
      }
      if (signals?.hold?.capped) {
        log.warn({ destination }, `${destination} asked to wait more than an hour: holding it for 1 h only`);
      }
      if (settled.bucketExhaustedUntil) {
        log.debug(
          { destination },
          `${destination}: bucket used up, paced until ${settled.bucketExhaustedUntil.toISOString()}`,
        );
      }
    } catch (error) {
      log.warn({ err: error }, `could not record what ${destination} answered (${describeError(error)})`);
    }
  }

  private async listen(
    job: Job<DeliveryJobData, void, string>,
    token: string | undefined,
    log: Logger,
    slot: Slot | undefined,
  ): Promise<void> {
    const { runId } = job.data;
    // Listening for a cancel of this run from before its attempt starts: one announced while
    // the attempt's row is written is not missed. (Jobs queued before runs had rows carry no
    // run id: those listen once the row says which run they are.)
    const cancel = new AbortController();
    if (runId) this.inFlight.set(runId, cancel);
    try {
      return await this.attemptListening(job, token, cancel, log, slot);
    } finally {
      if (runId) this.inFlight.delete(runId);
    }
  }

  private async attemptListening(
    job: Job<DeliveryJobData, void, string>,
    token: string | undefined,
    cancel: AbortController,
    log: Logger,
    slot: Slot | undefined,
  ): Promise<void> {
    const { taskId, runId } = job.data;
    const jobId = job.id ?? '';
    const scheduledFor = new Date(job.data.scheduledFor);
    // Answers 429/503 that spent no retry still made attempts: each attempt has its own row.
    const rateLimited = job.data.rateLimited ?? 0;
    const spent = job.attemptsMade;
    const retryCount = spent + rateLimited;
    const maxRetry = (job.opts.attempts ?? 1) - 1;
    if (await this.expiredBeforeAttempt(job, log)) return;
    const startedAt = performance.now();
    const started = await this.starts
      .submit({ taskId, scheduledFor, retryCount, jobId, runId })
      .catch((error: unknown) => {
        throw new StorageError('start', error);
      });
    this.postgresOutage.recovered();
    switch (started.kind) {
      case 'orphaned':
        log.info('task was deleted, its run was cancelled, or another run owns it: dropping this run');
        return;
      case 'settled': {
        // This attempt failed and was recorded with its run going on, but its retry was not scheduled.
        log.warn('attempt already recorded: moving on to its retry');
        const delayMs = backoffDelayMs(retryCount, this.deps.retryBackoffMs);
        return this.settle(log, { kind: 'retry', delayMs }, 'already recorded');
      }
      case 'deliver':
        break;
      default:
        return assertNever(started);
    }

    const { target, attemptId } = started;
    if (retryCount === 0) {
      this.deps.events?.emit('run.started', {
        run_id: started.runId,
        task_id: taskId,
        attempt_id: attemptId,
        status: 'running',
      });
    }
    const legacy = !runId;
    if (legacy) this.inFlight.set(started.runId, cancel);
    // Cancelled while its attempt started: the cancel recorded the attempt; nothing is sent.
    if (cancel.signal.aborted) return this.cancelled(log);
    // The first request of a run: how late it is sent after it came due (jitter included).
    if (retryCount === 0) {
      const due = job.data.dueAt ? Date.parse(job.data.dueAt) : scheduledFor.getTime();
      this.deps.metrics?.runLateness.observe(Math.max(0, Date.now() - due) / 1000);
    }
    const payload = renderedPayload(job.data, target, started.runId, retryCount);
    if (slot) slot.flow.markSent(slot.lease);
    const delivery = await this.deps.webhooks
      .post(target.webhookUrl, payload, {
        cancel: cancel.signal,
        runId: started.runId,
        signingSecrets: signingSecrets(target.secrets, new Date()),
        method: target.method,
        headers: target.headers,
        ...(target.timeoutMs !== null ? { timeoutMs: target.timeoutMs } : {}),
      })
      .finally(() => {
        if (legacy) this.inFlight.delete(started.runId);
      });
    // The slot goes back (with any hold the answer set, for every worker at once) while the
    // attempt's result is written: the two are independent, and the job awaits both.
    if (slot) slot.settling = this.settleSlot(slot, delivery, log);
    const holdMs = slot ? delivery.signals?.hold?.ms : undefined;
    // Aborted by a cancel, which has recorded the attempt `cancelled`: no result, no retry.
    if (cancel.signal.aborted) return this.cancelled(log);
    const { outcome, message } = delivery;
    const executionTime = Math.round(performance.now() - startedAt);
    this.deps.metrics?.deliveryDuration.observe(executionTime / 1000);
    const httpStatus =
      outcome.kind === 'delivered' || outcome.kind === 'http-error' ? outcome.httpStatus : null;
    const base = { attemptId, executionTime, httpStatus };

    const waiting = decideRateLimited(outcome, rateLimited, holdMs, this.deps.retryBackoffMs);
    if (waiting) {
      const recorded = await this.record(log, {
        result: {
          ...base,
          status: 'failed',
          message: `${message} (the webhook asked to wait: sent again in ${waiting.delayMs} ms, spending no retry)`,
        },
        run: { kind: 'continues' },
      });
      if (recorded.recorded === 'cancelled') return this.cancelled(log);
      this.count('retry');
      this.announce(job, started.runId, attemptId, 'failed', httpStatus, executionTime);
      log.warn(
        { httpStatus, delayMs: waiting.delayMs },
        `attempt answered ${httpStatus ?? ''}: sent again in ${waiting.delayMs} ms, no retry spent`,
      );
      await job.updateData({ ...job.data, rateLimited: rateLimited + 1 });
      await job.moveToDelayed(Date.now() + waiting.delayMs, token);
      throw new DelayedError();
    }
    const decision = decideRetry(outcome, spent, maxRetry, this.deps.retryBackoffMs, rateLimited);
    const ends = (runStatus: 'finish' | 'failed', text: string, disabledReason?: string): RunOutcome => ({
      kind: 'ends',
      taskId,
      jobId,
      runStatus,
      taskStatus: runStatus === 'finish' ? 'ready' : 'failed',
      message: text,
      disabledReason,
    });

    switch (decision.kind) {
      case 'done': {
        const recorded = await this.record(log, {
          result: { ...base, status: 'finish', message, responseId: delivery.responseId ?? null },
          run: ends('finish', `delivered: HTTP ${httpStatus ?? ''}`.trim()),
        });
        if (recorded.recorded === 'cancelled') return this.cancelled(log);
        this.count('finish');
        this.announce(job, started.runId, attemptId, 'finish', httpStatus, executionTime, 'finish');
        this.alertOnChange(recorded, 'finish', undefined, {
          taskId,
          runId: started.runId,
          message: `"${target.taskName}" delivered again (HTTP ${httpStatus ?? ''}) after failing.`,
        });
        log.info({ httpStatus, executionTime }, `delivered "${target.taskName}"`);
        return;
      }
      case 'retry': {
        const recorded = await this.record(log, {
          result: { ...base, status: 'failed', message: `${message} (retry in ${decision.delayMs} ms)` },
          run: { kind: 'continues' },
        });
        if (recorded.recorded === 'cancelled') return this.cancelled(log);
        this.announce(job, started.runId, attemptId, 'failed', httpStatus, executionTime);
        // A retry that would come after the deadline is not waited for: the run expires now.
        if (await this.expiresBefore(job, Date.now() + decision.delayMs, started.runId, log)) {
          throw new UnrecoverableError('TIMEOUT: the retry would come after the delivery deadline');
        }
        this.count('retry');
        log.warn({ httpStatus, executionTime, delayMs: decision.delayMs }, `attempt failed: ${message}`);
        return this.settle(log, decision, message);
      }
      case 'fail': {
        // What the webhook answered, then why the run ends: "HTTP 404: … — not retryable: …".
        const failure = `${message} — ${decision.reason}`;
        const recorded = await this.record(log, {
          result: { ...base, status: 'failed', message: failure },
          run: ends('failed', failure, decision.disable),
        });
        if (recorded.recorded === 'cancelled') return this.cancelled(log);
        // A refused target (SPEC §14): no request was sent, and none will be.
        this.count(outcome.kind === 'refused' ? 'refused' : 'failed');
        this.announce(job, started.runId, attemptId, 'failed', httpStatus, executionTime, 'failed');
        log.error({ httpStatus, executionTime }, `task "${target.taskName}" failed: ${failure}`);
        if (decision.disable) {
          log.warn(`task "${target.taskName}" disabled: ${decision.disable}`);
          this.deps.events?.emit('task.updated', { task_id: taskId, task_status: 'failed', enabled: false });
        }
        this.alertOnChange(recorded, 'failed', decision.disable, {
          taskId,
          runId: started.runId,
          message: decision.disable
            ? `"${target.taskName}" was disabled automatically: ${decision.disable}. Enable it again once its webhook is fixed.`
            : `"${target.taskName}" failed: ${failure}`,
        });
        return this.settle(log, decision, failure);
      }
      default:
        return assertNever(decision);
    }
  }

  /**
   * SPEC §13's gate, before any attempt of a run that is not a run now: every dependency's
   * latest run must have ended `finish`. One in flight: the run waits (`wait`); one that
   * ended otherwise, never ran or outlasted DEPENDENCY_WAIT_MS: the run ends `skipped` with
   * DEPENDENCY_FAILED naming it (`closed`).
   */
  private async gate(job: Job<DeliveryJobData, void, string>): Promise<'open' | 'wait' | 'closed'> {
    const { runId, taskId, trigger, gated } = job.data;
    const { dependencies, runs } = this.deps;
    // gated false: its task had no dependencies when the run was claimed (no look needed).
    if (!runId || trigger === 'manual' || gated === false || !dependencies || !runs || job.attemptsMade > 0)
      return 'open';
    const states = await dependencies.gateOf(taskId).catch((error: unknown) => {
      throw new StorageError('start', error);
    });
    if (states.length === 0) return 'open';
    const waitedMs = Date.now() - Date.parse(job.data.scheduledFor);
    const decision = gateDecision(states, waitedMs, this.deps.dependencyWaitMs);
    switch (decision.kind) {
      case 'open':
        return 'open';
      case 'wait':
        return 'wait';
      case 'skip':
        if (await runs.skip(runId, decision.message)) {
          this.deps.events?.emit('run.finished', { run_id: runId, task_id: taskId, status: 'skipped' });
        }
        this.deps.logger.info({ taskId, runId }, `run skipped: ${decision.message}`);
        return 'closed';
      default:
        return assertNever(decision);
    }
  }

  /**
   * SPEC §13: a run past its `deliver_by` ends `expired` and makes no attempt. The deadline
   * travels with the job; the run repository ends the run, so every worker agrees.
   */
  private async expiredBeforeAttempt(job: Job<DeliveryJobData, void, string>, log: Logger): Promise<boolean> {
    return job.data.runId !== undefined && this.expiresBefore(job, Date.now(), job.data.runId, log);
  }

  /** Whether the run's deadline comes by `at` (now, or when its retry would be); if so, it ends `expired`. */
  private async expiresBefore(
    job: Job<DeliveryJobData, void, string>,
    at: number,
    runId: string,
    log: Logger,
  ): Promise<boolean> {
    const deliverBy = job.data.deliverBy ? Date.parse(job.data.deliverBy) : Number.NaN;
    if (!(deliverBy <= at) || !this.deps.runs) return false;
    // Whether this call or another (the watchdog, a cancel) ended it, nothing more is sent.
    const expired = await this.deps.runs.expireOverdue({ runId, by: new Date(at) });
    if (expired.length > 0) {
      this.deps.events?.emit('run.finished', { run_id: runId, task_id: job.data.taskId, status: 'expired' });
    }
    log.warn(
      { deliverBy: job.data.deliverBy },
      'run expired: not delivered by its deadline; no attempt is made',
    );
    return true;
  }

  /** The run was cancelled while its attempt was in flight: the cancel recorded it; the job ends here. */
  private cancelled(log: Logger): void {
    this.count('cancelled');
    log.info('run cancelled while its attempt was in flight: nothing more is sent');
  }

  /** attempt.finished, and run.finished when the attempt ended its run. */
  private announce(
    job: Job<DeliveryJobData, void, string>,
    runId: string,
    attemptId: string,
    status: 'finish' | 'failed',
    httpStatus: number | null,
    executionTime: number,
    runStatus?: 'finish' | 'failed',
  ): void {
    const events = this.deps.events;
    if (!events) return;
    const ids = { run_id: runId, task_id: job.data.taskId };
    events.emit('attempt.finished', {
      ...ids,
      attempt_id: attemptId,
      status,
      http_status: httpStatus,
      execution_time: executionTime,
      retry_count: job.attemptsMade,
    });
    if (runStatus) events.emit('run.finished', { ...ids, status: runStatus });
  }

  /** Raises the alert of a change in the task's health (core's healthChange), if the run's end made one. */
  private alertOnChange(
    finished: AttemptFinished,
    runStatus: 'finish' | 'failed',
    disabled: string | undefined,
    alert: { taskId: string; runId: string; message: string },
  ): void {
    if (!this.deps.alerts || finished.wasFailing === undefined) return;
    const type = healthChange(finished.wasFailing, runStatus, disabled !== undefined);
    if (type) this.deps.alerts.raise({ type, ...alert });
  }

  private count(outcome: AttemptMetricOutcome): void {
    this.deps.metrics?.attempts.inc({ outcome });
  }

  /** Subscribes to cancels: an attempt in flight for a cancelled run is aborted at once. */
  private listenForCancels(): void {
    const subscriber = this.deps.connection.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, runId: string) => this.inFlight.get(runId)?.abort());
    subscriber.subscribe(runCancelledChannel(this.deps.prefix)).catch((error: unknown) => {
      this.deps.logger.warn(
        { err: error },
        'could not listen for cancels: a cancelled run in flight ends when its request does',
      );
    });
  }

  /** Writes an attempt's result, trying again over a few seconds: the webhook has been called already. */
  private async record(
    log: Logger,
    finished: { result: AttemptResult; run: RunOutcome },
  ): Promise<AttemptFinished> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await this.finishes.submit(finished);
      } catch (error) {
        if (tries >= RECORD_TRIES || !isTransientStorageError(error)) throw new StorageError('result', error);
        const delayMs = RECORD_RETRY_MS * 2 ** (tries - 1);
        log.warn(
          `could not record the attempt's result (${describeError(error)}): trying again in ${delayMs} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /**
   * Tells BullMQ what comes next, with `message` as the job's reason: a retry
   * after the delay, or no more attempts. Core's decision already weighed the
   * retry budget (the job's attempts are the task's max_retry + 1).
   */
  private settle(log: Logger, decision: Exclude<RetryDecision, { kind: 'done' }>, message: string): never {
    if (decision.kind === 'retry') throw new RetryableDeliveryError(message, decision.delayMs);
    log.debug('no attempt left');
    throw new UnrecoverableError(message);
  }

  /** For /healthz: taking jobs, over a live Redis connection. */
  liveness(): Liveness {
    if (!this.worker?.isRunning()) return { healthy: false, reason: 'not taking runs' };
    if (this.deps.connection.status !== 'ready') return { healthy: false, reason: 'Redis is not answering' };
    return { healthy: true };
  }

  /**
   * Stops taking jobs and lets the deliveries in flight finish (each is bounded
   * by the webhook timeout). Past `graceMs` the rest are handed back: their locks
   * lapse and another worker redelivers them.
   */
  async stop(graceMs: number): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<'forced'>((resolve) => {
      timer = setTimeout(() => resolve('forced'), graceMs);
    });
    const result = await Promise.race([worker.close().then(() => 'closed' as const), forced]);
    clearTimeout(timer);
    if (result === 'forced') await worker.close(true);
    this.deps.flow?.stop();
    await this.queue?.close().catch(() => undefined);
    this.deps.events?.flush();
    await this.deps.alerts?.stop();
    const subscriber = this.subscriber;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

/** SPEC §14: the payload with its placeholders rendered for this very request (`retryCount` 0: attempt 1). */
function renderedPayload(
  job: DeliveryJobData,
  target: DeliveryTarget,
  runId: string,
  retryCount: number,
): unknown {
  // The values (a time zone's wall clock among them) are worked out only for a payload that uses them.
  if (!hasPlaceholders(target.payload)) return target.payload;
  return renderPayload(
    target.payload,
    templateValues({
      scheduledFor: new Date(job.scheduledFor),
      timezone: target.timezone,
      taskId: job.taskId,
      taskName: target.taskName,
      runId,
      attempt: retryCount + 1,
      trigger: job.trigger,
    }),
  );
}

function assertNever(value: never): never {
  throw new Error(`Unexpected decision: ${JSON.stringify(value)}`);
}
