import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** How an attempt ended, as `scheduler_attempts_total{outcome}` counts it (SPEC §15). */
export const attemptOutcomes = ['finish', 'failed', 'retry', 'cancelled', 'refused'] as const;
export type AttemptMetricOutcome = (typeof attemptOutcomes)[number];

/** What the watchdog did with a stuck run, as `scheduler_watchdog_recovered_total{kind}` counts it. */
export const watchdogRecoveries = ['requeued', 'released'] as const;
export type WatchdogRecovery = (typeof watchdogRecoveries)[number];

/** Seconds: from a fast local webhook to WEBHOOK_TIMEOUT_MAX_MS. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: lateness is ms on a healthy cluster, minutes when no publisher ran. */
const LATENESS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Seconds: a tick claims and enqueues a batch; past the interval it falls behind. */
const TICK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The publisher's and the worker's own metrics (SPEC §15), in a registry of the
 * process with Node's default process metrics. Each process registers every
 * series: the ones of the other role stay at 0, and a dashboard summing across
 * processes sees every series from the first scrape. No per-task label: the
 * number of series must not grow with the number of tasks.
 */
export class EngineMetrics {
  readonly registry = new Registry();

  readonly runsClaimed = new Counter({
    name: 'scheduler_runs_claimed_total',
    help: 'Runs claimed by this publisher and handed to the queue.',
    registers: [this.registry],
  });

  readonly tickDuration = new Histogram({
    name: 'scheduler_tick_duration_seconds',
    help: 'How long one publisher tick took (claims, enqueues, first due instants of new rows).',
    buckets: TICK_BUCKETS,
    registers: [this.registry],
  });

  readonly watchdogRecovered = new Counter({
    name: 'scheduler_watchdog_recovered_total',
    help: 'Runs the watchdog recovered: requeued (its job was lost) or released (it ended unnoticed).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'scheduler_attempts_total',
    help: 'Attempts this worker made, by outcome: finish (delivered), failed (the run failed), retry (a retry follows), cancelled, refused (no request sent).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliveryDuration = new Histogram({
    name: 'scheduler_delivery_duration_seconds',
    help: 'Time from the start of an attempt to its end (execution_time), attempts that ended.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly runLateness = new Histogram({
    name: 'scheduler_run_lateness_seconds',
    help: "Time from a run's due instant to its first request sent.",
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  readonly destinationHolds = new Counter({
    name: 'scheduler_destination_holds_total',
    help: 'Times a destination was held by what it answered (Retry-After, a rate-limit bucket).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every label value from the start, at 0: a fresh install shows every series.
    for (const outcome of attemptOutcomes) this.attempts.inc({ outcome }, 0);
    for (const kind of watchdogRecoveries) this.watchdogRecovered.inc({ kind }, 0);
  }
}
