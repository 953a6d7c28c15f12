import { backoffDelayMs, decideRetry, type RetryDecision, signingSecrets } from '@scheduler/core';
import { describeError, type Logger } from '@scheduler/config';
import {
  isPostgresUnavailable,
  isTransientStorageError,
  type AttemptRecorded,
  type AttemptRepository,
  type AttemptResult,
  type AttemptStart,
  type AttemptStarted,
  type RunOutcome,
} from '@scheduler/db';
import {
  DELIVERY_QUEUE,
  type DeliveryJobData,
  isRedisUnavailable,
  type Redis,
  runCancelledChannel,
} from '@scheduler/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { MicroBatch } from './micro-batch';
import { OutageLog } from './outage-log';
import type { WebhookClient } from './webhook-client';

/** How often the result of a delivery is written again before the run is put off. */
const RECORD_TRIES = 4;
/** The first pause between those writes; it doubles each time (0.5 s, 1 s, 2 s). */
const RECORD_RETRY_MS = 500;
/** How long a run waits when its attempt could not be written (PostgreSQL down, say). */
const STORAGE_RETRY_MS = 5_000;
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
  webhooks: WebhookClient;
  connection: Redis;
  prefix: string;
  concurrency: number;
  retryBackoffMs: number;
  logger: Logger;
  /** How long a job's lock lives without renewal: bounds how soon a crashed worker's job is redelivered. */
  lockDurationMs?: number;
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
  private readonly finishes: MicroBatch<{ result: AttemptResult; run: RunOutcome }, AttemptRecorded>;
  private readonly postgresOutage: OutageLog;
  private readonly redisOutage: OutageLog;
  /** The deliveries in flight on this worker, by run id: a cancel announced for one aborts its request. */
  private readonly inFlight = new Map<string, AbortController>();
  /** Hears cancels (a connection in subscriber mode can do nothing else). */
  private subscriber: Redis | undefined;

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
      await this.attempt(job);
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

  private async attempt(job: Job<DeliveryJobData, void, string>): Promise<void> {
    const { taskId, runId } = job.data;
    const log = this.deps.logger.child({
      taskId,
      runId,
      scheduledFor: job.data.scheduledFor,
      retryCount: job.attemptsMade,
    });

    // Listening for a cancel of this run from before its attempt starts: one announced while
    // the attempt's row is written is not missed. (Jobs queued before runs had rows carry no
    // run id: those listen once the row says which run they are.)
    const cancel = new AbortController();
    if (runId) this.inFlight.set(runId, cancel);
    try {
      return await this.attemptListening(job, cancel, log);
    } finally {
      if (runId) this.inFlight.delete(runId);
    }
  }

  private async attemptListening(
    job: Job<DeliveryJobData, void, string>,
    cancel: AbortController,
    log: Logger,
  ): Promise<void> {
    const { taskId, runId } = job.data;
    const jobId = job.id ?? '';
    const scheduledFor = new Date(job.data.scheduledFor);
    const retryCount = job.attemptsMade;
    const maxRetry = (job.opts.attempts ?? 1) - 1;
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
    const legacy = !runId;
    if (legacy) this.inFlight.set(started.runId, cancel);
    // Cancelled while its attempt started: the cancel recorded the attempt; nothing is sent.
    if (cancel.signal.aborted) return this.cancelled(log);
    const delivery = await this.deps.webhooks
      .post(target.webhookUrl, target.payload, {
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
    // Aborted by a cancel, which has recorded the attempt `cancelled`: no result, no retry.
    if (cancel.signal.aborted) return this.cancelled(log);
    const { outcome, message } = delivery;
    const executionTime = Math.round(performance.now() - startedAt);
    const decision = decideRetry(outcome, retryCount, maxRetry, this.deps.retryBackoffMs);
    const httpStatus =
      outcome.kind === 'delivered' || outcome.kind === 'http-error' ? outcome.httpStatus : null;
    const base = { attemptId, executionTime, httpStatus };
    const ends = (runStatus: 'finish' | 'failed', text: string): RunOutcome => ({
      kind: 'ends',
      taskId,
      jobId,
      runStatus,
      taskStatus: runStatus === 'finish' ? 'ready' : 'failed',
      message: text,
    });

    switch (decision.kind) {
      case 'done': {
        const recorded = await this.record(log, {
          result: { ...base, status: 'finish', message, responseId: delivery.responseId ?? null },
          run: ends('finish', `delivered: HTTP ${httpStatus ?? ''}`.trim()),
        });
        if (recorded === 'cancelled') return this.cancelled(log);
        log.info({ httpStatus, executionTime }, `delivered "${target.taskName}"`);
        return;
      }
      case 'retry': {
        const recorded = await this.record(log, {
          result: { ...base, status: 'failed', message: `${message} (retry in ${decision.delayMs} ms)` },
          run: { kind: 'continues' },
        });
        if (recorded === 'cancelled') return this.cancelled(log);
        log.warn({ httpStatus, executionTime, delayMs: decision.delayMs }, `attempt failed: ${message}`);
        return this.settle(log, decision, message);
      }
      case 'fail': {
        // What the webhook answered, then why the run ends: "HTTP 404: … — not retryable: …".
        const failure = `${message} — ${decision.reason}`;
        const recorded = await this.record(log, {
          result: { ...base, status: 'failed', message: failure },
          run: ends('failed', failure),
        });
        if (recorded === 'cancelled') return this.cancelled(log);
        log.error({ httpStatus, executionTime }, `task "${target.taskName}" failed: ${failure}`);
        return this.settle(log, decision, failure);
      }
      default:
        return assertNever(decision);
    }
  }

  /** The run was cancelled while its attempt was in flight: the cancel recorded it; the job ends here. */
  private cancelled(log: Logger): void {
    log.info('run cancelled while its attempt was in flight: nothing more is sent');
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
  ): Promise<AttemptRecorded> {
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
    const subscriber = this.subscriber;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected decision: ${JSON.stringify(value)}`);
}
