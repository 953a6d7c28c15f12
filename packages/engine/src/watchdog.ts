import type { Logger } from '@scheduler/config';
import { type ActiveRun, isPostgresUnavailable, isSchemaMissing, type RunRepository } from '@scheduler/db';
import { destinationOf } from '@scheduler/core';
import { enqueueDeliveries, type DeliveryQueue, type EventPublisher } from '@scheduler/queue';
import type { EngineMetrics } from './metrics';

/** A run counts as possibly stuck once it has been `running` this long. */
export const WATCHDOG_GRACE_MS = 10_000;
/** How often each publisher's watchdog looks. */
export const WATCHDOG_INTERVAL_MS = 5_000;
/** How many long runs one look checks; the next look carries on after the last of them. */
export const WATCHDOG_PAGE_SIZE = 500;

/** What an attempt left `running` by a run that ended unnoticed says on the dashboard. */
export const LOST_ATTEMPT_MESSAGE =
  'attempt lost: its run ended without recording a result (its worker stopped mid-delivery, ' +
  'more than once for the same job, or the result could not be written); the webhook may or may not ' +
  'have received it. The task is ready for its next run.';

/**
 * What became of a run's job: still `alive` (queued, delayed for a retry, or
 * being delivered), `ended` (completed, or failed for good), or `gone` (never
 * added, or already removed).
 */
type JobFate = 'alive' | 'ended' | 'gone';

/**
 * The fate of each job, read from its hash: one O(1) read each, all at once.
 * (BullMQ's getJobState searches the waiting list for each job: with a backlog
 * of N jobs a check would cost O(N) per run, just when Redis is busiest.)
 * BullMQ sets `finishedOn` when a job completes or fails for good, and clears
 * it when one is retried by hand.
 */
async function jobFates(queue: DeliveryQueue, jobIds: (string | null)[]): Promise<JobFate[]> {
  const jobs = await Promise.all(jobIds.map((id) => (id ? queue.getJob(id) : Promise.resolve(undefined))));
  return jobs.map((job) => (!job ? 'gone' : job.finishedOn ? 'ended' : 'alive'));
}

export interface WatchdogDeps {
  runs: RunRepository;
  queue: DeliveryQueue;
  logger: Logger;
  retryBackoffMs: number;
  pageSize?: number;
  metrics?: EngineMetrics;
  /** Live events (SPEC §15): run.finished for each run it ends expired. */
  events?: EventPublisher;
}

/**
 * Seed 004's failure watcher, inside every publisher. A task `running` for
 * longer than the grace period is checked against its job:
 * - the job is alive → nothing to do;
 * - the job is gone without a trace (a publisher died between its commit and
 *   the add) → the run is enqueued again under the same id, so nothing is lost;
 * - the job has ended (completed or failed) but the task never heard of it (a
 *   worker died between the two, or BullMQ failed a job that stalled too
 *   often) → the task returns to `ready`, and any attempt the run left
 *   `running` is closed as `failed`: no worker will ever finish it.
 * So a stuck task is back within WATCHDOG_GRACE_MS + WATCHDOG_INTERVAL_MS (15 s)
 * — plus one interval per further page of long runs ahead of it. Each look
 * checks one page and the next carries on from there, so runs that stay
 * alive for long (a backlog, retries in backoff) cannot hide the ones behind them.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  /** The last run of the previous page; undefined: start from the oldest. */
  private cursor: ActiveRun | undefined;

  constructor(private readonly deps: WatchdogDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.check().catch((error: unknown) => {
        // An outage is the publisher's tick to report, once; anything else is a fault to see.
        if (isPostgresUnavailable(error) || isSchemaMissing(error))
          this.deps.logger.debug({ err: error }, 'watchdog check failed');
        else this.deps.logger.error({ err: error }, 'watchdog check failed');
      });
    }, WATCHDOG_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async check(graceMs = WATCHDOG_GRACE_MS): Promise<{ released: number; requeued: number }> {
    const { runs: repository, queue, logger } = this.deps;
    // SPEC §13: runs waiting past their delivery deadline (a busy queue, a backoff, a held
    // destination) end expired. Their jobs leave the queue (one a worker holds now cannot:
    // that worker finds the run ended, and drops it).
    const expired = await repository.expireOverdue({ limit: this.deps.pageSize ?? WATCHDOG_PAGE_SIZE });
    for (const run of expired) {
      if (run.job_id) await queue.remove(run.job_id).catch(() => 0);
      this.deps.events?.emit('run.finished', { run_id: run.id, task_id: run.task_id, status: 'expired' });
      logger.warn(
        { taskId: run.task_id, runId: run.id },
        'watchdog: run expired: not delivered by its deadline',
      );
    }
    let released = 0;
    let requeued = 0;
    const pageSize = this.deps.pageSize ?? WATCHDOG_PAGE_SIZE;
    const runs = await repository.findLongActive(graceMs, pageSize, this.cursor);
    this.cursor = runs.length < pageSize ? undefined : runs.at(-1);
    const fates = await jobFates(
      queue,
      runs.map((run) => run.job_id),
    );
    for (const [i, run] of runs.entries()) {
      const fate = fates[i];
      if (fate === 'alive') continue;
      if (fate === 'gone' && run.job_id) {
        await enqueueDeliveries(
          queue,
          [
            {
              runId: run.id,
              taskId: run.task_id,
              scheduledFor: run.scheduled_for,
              maxRetry: run.max_retry,
              trigger: run.trigger,
              // As the publisher made it: admitted by its destination's flow control, in its
              // priority, within its deadline (gated unknown: the worker looks at its dependencies).
              destination: destinationOf(run.webhook_url),
              priority: run.priority,
              deliverBy: run.deliver_by,
            },
          ],
          this.deps.retryBackoffMs,
        );
        requeued += 1;
        this.deps.metrics?.watchdogRecovered.inc({ kind: 'requeued' });
        logger.warn(
          { taskId: run.task_id, runId: run.id, jobId: run.job_id },
          'watchdog: run had no job; enqueued it again',
        );
      } else if (await repository.releaseLost(run.id, run.job_id, LOST_ATTEMPT_MESSAGE)) {
        released += 1;
        this.deps.metrics?.watchdogRecovered.inc({ kind: 'released' });
        logger.warn(
          { taskId: run.task_id, runId: run.id, jobId: run.job_id, fate },
          'watchdog: run had ended unnoticed; it is failed and its task is ready',
        );
      }
    }
    return { released, requeued };
  }
}
