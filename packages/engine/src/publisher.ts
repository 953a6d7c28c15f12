import {
  deliveryDeadline,
  destinationOf,
  dueAt,
  InvalidScheduleError,
  InvalidTimezoneError,
  nextDueInstant,
  planClaim,
} from '@scheduler/core';
import type { Logger } from '@scheduler/config';
import {
  type ClaimWrite,
  type DependencyRepository,
  isPostgresUnavailable,
  isSchemaMissing,
  type RunRepository,
  type ScheduledTask,
  type TaskRepository,
} from '@scheduler/db';
import {
  deliveryJobId,
  enqueueDeliveries,
  type DeliveryQueue,
  type DeliveryRun,
  type EventPublisher,
} from '@scheduler/queue';
import type { EngineMetrics } from './metrics';
import { OutageLog } from './outage-log';
import { Retention } from './retention';
import { Watchdog } from './watchdog';

export interface PublisherDeps {
  tasks: TaskRepository;
  runs: RunRepository;
  /** SPEC §13 chains: each tick releases the runs of chained tasks whose dependencies finished. */
  dependencies: DependencyRepository;
  queue: DeliveryQueue;
  logger: Logger;
  intervalMs: number;
  retryBackoffMs: number;
  /** Tasks claimed per transaction; a tick keeps claiming until fewer come back. */
  batchSize?: number;
  /**
   * A clock of its own, for tests and benchmarks. By default PostgreSQL's now()
   * decides what is due and plans the next instants (SPEC §5): publishers on
   * hosts whose clocks drift still agree, and none fires a task early.
   */
  now?: () => Date;
  /** HISTORY_RETENTION_DAYS: runs that ended longer ago are deleted; 0 keeps everything. */
  historyRetentionDays?: number;
  /** Counts claims and times ticks (SPEC §15); none: not measured. */
  metrics?: EngineMetrics;
  /** Live events (SPEC §15): run.queued for each run claimed. */
  events?: EventPublisher;
}

export interface TickResult {
  enqueued: number;
  deferred: number;
  scheduled: number;
}

/** How often a publisher reads PostgreSQL's clock, to tick on its grid. */
export const CLOCK_SYNC_EVERY_MS = 60_000;
/** Readings of PostgreSQL's clock per look: the one with the shortest round trip counts. */
const CLOCK_READINGS = 3;
/** A look whose best reading took longer than this is too rough to replace the last one. */
const CLOCK_READING_MAX_ROUND_TRIP_MS = 10;
/** A gap between this host's clock and PostgreSQL's that is worth a warning. */
const CLOCK_GAP_WARNING_MS = 1_000;

/** How long a task whose schedule no longer parses waits before it is looked at again. */
export const BROKEN_SCHEDULE_RETRY_MS = 60_000;

/**
 * The publisher of SPEC §5. Ticks on the wall-clock grid of its interval (a
 * task due at :00 is claimed at :00, not up to a tick late), claims due tasks
 * in batches, commits them as running with their next due instant, then adds
 * one job per run. Any number of publishers may run: the claim skips rows
 * another has locked, and job ids are deterministic.
 */
export class Publisher {
  private readonly batchSize: number;
  private readonly watchdog: Watchdog;
  private readonly retention: Retention;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private readonly outage: OutageLog;
  private readonly unmigrated: OutageLog;
  /** PostgreSQL's clock minus this host's, as last read. */
  private clockOffsetMs = 0;
  private clockReadAt = Number.NEGATIVE_INFINITY;
  private goodTickAt: number | undefined;

  constructor(private readonly deps: PublisherDeps) {
    this.outage = new OutageLog(
      deps.logger,
      'PostgreSQL',
      'no task is claimed until it answers; what comes due meanwhile fires then, once',
    );
    this.unmigrated = new OutageLog(
      deps.logger,
      'The database',
      'no task is claimed until `npm run db:migrate` has run',
      Date.now,
      { down: 'not migrated', up: 'is migrated now' },
    );
    this.batchSize = deps.batchSize ?? 1000;
    this.watchdog = new Watchdog({
      runs: deps.runs,
      queue: deps.queue,
      logger: deps.logger,
      retryBackoffMs: deps.retryBackoffMs,
      metrics: deps.metrics,
      events: deps.events,
    });
    this.retention = new Retention({
      runs: deps.runs,
      logger: deps.logger,
      days: deps.historyRetentionDays ?? 0,
    });
  }

  start(): void {
    this.stopped = false;
    this.watchdog.start();
    this.retention.start();
    this.running = this.readDatabaseClock().finally(() => this.scheduleNextTick());
  }

  /** Stops ticking and waits for the tick in progress; nothing is left half-written. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.watchdog.stop();
    await this.retention.stop();
    await this.running;
    this.deps.events?.flush();
  }

  /**
   * One tick: claim and enqueue everything due, then give rows inserted by hand
   * their first due instant (after the claim, so it costs the due runs nothing).
   */
  async tick(): Promise<TickResult> {
    const asOf = this.deps.now?.();
    const result: TickResult = { enqueued: 0, deferred: 0, scheduled: 0 };
    // Claiming a batch (PostgreSQL) overlaps with enqueuing the previous one (Redis).
    let enqueuing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const claim = await this.deps.tasks.claimDueTasks(
          this.batchSize,
          (due, now) => due.map((task) => this.decide(task, now)),
          asOf,
        );
        const runs = claim.runs.map((run): DeliveryRun => ({ ...run, trigger: 'schedule' }));
        for (const taskId of claim.repeated) {
          this.deps.logger.warn(
            { taskId },
            `task ${taskId}: its due instant already has a run; moved on to the next`,
          );
        }
        await enqueuing;
        enqueuing = this.enqueue(runs);
        result.enqueued += runs.length;
        result.deferred += claim.claimed - runs.length;
        if (claim.claimed < this.batchSize) break;
      }
    } finally {
      // Never leave an enqueue behind unobserved, even when a claim failed.
      await enqueuing;
    }
    result.enqueued += await this.releaseChains(asOf);
    result.scheduled = await this.deps.tasks.scheduleUnscheduled(
      this.batchSize,
      (rows, now) => rows.map((task) => ({ id: task.id, nextRunAt: this.nextLook(task, now) })),
      asOf,
    );
    return result;
  }

  /**
   * SPEC §13 chains: the runs (`trigger: dependency`) of chained tasks whose dependencies
   * have all finished since their latest run, once per round however many publishers look.
   */
  private async releaseChains(asOf: Date | undefined): Promise<number> {
    let released = 0;
    for (;;) {
      const runs = await this.deps.dependencies.releaseChainedRuns(this.batchSize, deliveryJobId, asOf);
      await this.enqueue(
        runs.map((run): DeliveryRun => ({
          runId: run.runId,
          taskId: run.taskId,
          scheduledFor: run.scheduledFor,
          maxRetry: run.maxRetry,
          trigger: 'dependency',
          destination: destinationOf(run.webhookUrl),
          priority: run.priority,
          deliverBy: run.deliverBy,
          // Any trigger but manual passes the gate (SPEC §13).
          gated: true,
        })),
      );
      released += runs.length;
      if (runs.length < this.batchSize) return released;
    }
  }

  private async enqueue(runs: DeliveryRun[]): Promise<void> {
    await enqueueDeliveries(this.deps.queue, runs, this.deps.retryBackoffMs);
    for (const run of runs) {
      this.deps.events?.emit('run.queued', {
        run_id: run.runId,
        task_id: run.taskId,
        status: 'queued',
        trigger: run.trigger,
        scheduled_for: run.scheduledFor.toISOString(),
      });
      this.deps.logger.info(
        { taskId: run.taskId, runId: run.runId, scheduledFor: run.scheduledFor.toISOString() },
        `enqueued task ${run.taskId} due ${run.scheduledFor.toISOString()}`,
      );
    }
  }

  /** What the claim writes for a due task, as core's planClaim decides it. */
  private decide(task: ScheduledTask, now: Date): ClaimWrite {
    const plan = planClaim(task, now);
    switch (plan.kind) {
      case 'fire':
      case 'fire-last':
        return {
          kind: 'run',
          id: task.id,
          jobId: deliveryJobId(task.id, plan.scheduledFor),
          scheduledFor: plan.scheduledFor,
          maxRetry: task.max_retry,
          destination: destinationOf(task.webhook_url),
          priority: task.priority,
          nextRunAt: plan.kind === 'fire' ? plan.next : null,
          deliverBy: deliveryDeadline(task, plan.scheduledFor),
          ...jittered(task, plan.scheduledFor),
        };
      case 'skip':
        // catch_up none: what came due was missed, and is not replayed.
        if (plan.missed > 0) {
          this.deps.logger.info(
            { taskId: task.id },
            `task ${task.id}: skipped the instants missed while nothing ran (catch_up none)`,
          );
        }
        return { kind: 'look-later', id: task.id, nextRunAt: plan.next };
      case 'broken':
        return {
          kind: 'look-later',
          id: task.id,
          nextRunAt: this.skipBroken(task, now, plan.known ? plan.reason : plan.cause),
        };
      default:
        return assertNever(plan);
    }
  }

  /** The first due instant of a task that has none yet (or a retry later if its schedule is broken). */
  private nextLook(task: ScheduledTask, now: Date): Date {
    try {
      // Only tasks with a schedule are looked for (scheduleUnscheduled).
      return nextDueInstant(task, now) ?? this.skipBroken(task, now, 'never comes due');
    } catch (error) {
      return this.skipBroken(task, now, error);
    }
  }

  /**
   * Puts off a task that cannot be planned, saying why, so that one bad row
   * never holds up the others claimed with it.
   */
  private skipBroken(task: ScheduledTask, now: Date, error: unknown): Date {
    const known =
      error instanceof InvalidScheduleError ||
      error instanceof InvalidTimezoneError ||
      typeof error === 'string';
    const reason = error instanceof Error ? error.message : String(error);
    this.deps.logger.error(
      {
        taskId: task.id,
        schedule: task.task_schedule,
        timezone: task.timezone,
        ...(known ? {} : { err: error }),
      },
      `skipping task ${task.id}: ${known ? 'its schedule cannot be used' : 'it could not be planned'} (${reason}); looking again in ${BROKEN_SCHEDULE_RETRY_MS / 1000} s`,
    );
    return new Date(now.getTime() + BROKEN_SCHEDULE_RETRY_MS);
  }

  private scheduleNextTick(): void {
    if (this.stopped) return;
    const interval = this.deps.intervalMs;
    // The next multiple of the interval on PostgreSQL's clock, which decides what
    // is due (plus 2 ms, so timer rounding cannot land just before the boundary,
    // leaving what is due to the next tick).
    const delay = interval - ((Date.now() + this.clockOffsetMs) % interval) + 2;
    this.timer = setTimeout(() => {
      this.running = this.runTick().finally(() => this.scheduleNextTick());
    }, delay);
  }

  /**
   * Reads PostgreSQL's clock, so ticks fall when tasks come due by it. What a
   * reading gives is a lower bound of the offset (the clock was read before the
   * answer arrived): a tick may fall a round trip late, never early, which
   * would leave what is due to the next tick. The best of a few readings is
   * kept; when all were slow (a busy server), the previous offset stays. A
   * failed read keeps it too: the tick itself reports the outage. With a
   * clock of its own (tests, benchmarks), ticks follow this host's.
   */
  private async readDatabaseClock(): Promise<void> {
    if (this.deps.now) return;
    try {
      let best = { roundTripMs: Number.POSITIVE_INFINITY, offsetMs: 0, at: 0 };
      for (let i = 0; i < CLOCK_READINGS; i += 1) {
        const sentAt = Date.now();
        const databaseNow = (await this.deps.tasks.databaseClock()).getTime();
        const receivedAt = Date.now();
        if (receivedAt - sentAt < best.roundTripMs) {
          best = { roundTripMs: receivedAt - sentAt, offsetMs: databaseNow - receivedAt, at: receivedAt };
        }
      }
      const first = this.clockReadAt === Number.NEGATIVE_INFINITY;
      if (best.roundTripMs > CLOCK_READING_MAX_ROUND_TRIP_MS && !first) return;
      const offset = best.offsetMs;
      if (Math.abs(offset) >= CLOCK_GAP_WARNING_MS && Math.abs(this.clockOffsetMs) < CLOCK_GAP_WARNING_MS) {
        this.deps.logger.warn(
          `this host's clock is ${Math.round(Math.abs(offset))} ms ${offset < 0 ? 'ahead of' : 'behind'} PostgreSQL's: ticks follow PostgreSQL's clock, but keep the hosts in sync (NTP)`,
        );
      }
      this.clockOffsetMs = offset;
      this.clockReadAt = best.at;
    } catch {
      // Kept as it was.
    }
  }

  /** When the last tick ended without an error (performance.now()), for /healthz; undefined: none yet. */
  get lastGoodTickAt(): number | undefined {
    return this.goodTickAt;
  }

  private async runTick(): Promise<void> {
    const endTimer = this.deps.metrics?.tickDuration.startTimer();
    try {
      const result = await this.tick();
      endTimer?.();
      this.deps.metrics?.runsClaimed.inc(result.enqueued);
      this.goodTickAt = performance.now();
      this.outage.recovered();
      this.unmigrated.recovered();
      if (Date.now() - this.clockReadAt >= CLOCK_SYNC_EVERY_MS) await this.readDatabaseClock();
      if (result.enqueued + result.deferred + result.scheduled > 0) this.deps.logger.debug(result, 'tick');
    } catch (error) {
      if (isSchemaMissing(error)) this.unmigrated.failed(error);
      else if (isPostgresUnavailable(error)) this.outage.failed(error);
      else this.deps.logger.error({ err: error }, 'tick failed; retrying on the next one');
    }
  }
}

/** When the run for `scheduledFor` comes due, where jitter puts that after it (SPEC §13). */
function jittered(task: ScheduledTask, scheduledFor: Date): { dueAt?: Date } {
  const due = dueAt(task, scheduledFor);
  return due.getTime() === scheduledFor.getTime() ? {} : { dueAt: due };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected claim plan: ${JSON.stringify(value)}`);
}
