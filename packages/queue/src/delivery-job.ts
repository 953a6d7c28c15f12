import type { JobsOptions } from 'bullmq';

/** The one queue every delivery goes through: publisher and run-now add, workers take. */
export const DELIVERY_QUEUE = 'deliveries';

/** Why a run exists (SPEC §11): its schedule came due, a user asked for it now or retried a run, its dependencies finished. */
export type RunTrigger = 'schedule' | 'manual' | 'retry' | 'dependency';

/**
 * A job's payload: which run of which task, and which due instant (ISO-8601) it
 * delivers. Compatibility: jobs queued before runs had rows carry no `runId`;
 * the worker then takes the task's run in flight.
 */
export interface DeliveryJobData {
  taskId: string;
  runId?: string;
  scheduledFor: string;
  trigger: RunTrigger;
  /**
   * The destination (SPEC §12) of the task's webhook when the run was made: flow control
   * admits the run before its attempt starts. Jobs queued before flow control carry none
   * and are delivered without it.
   */
  destination?: string;
  /** Answers 429/503 this run met so far: they did not spend retries (at most MAX_FREE_RATE_LIMITED). */
  rateLimited?: number;
  /** SPEC §13: no attempt or retry after this instant (ISO-8601); absent: no deadline. */
  deliverBy?: string;
  /** When the run came due (ISO-8601), where jitter puts that after `scheduledFor`; absent: at it. */
  dueAt?: string;
  /**
   * Whether the task had dependencies when the run was made (SPEC §13's gate). false: the
   * worker does not look them up; absent (runs not made by a claim): it looks.
   */
  gated?: boolean;
}

/** A run to enqueue: one due instant of one task, and its row. */
export interface DeliveryRun {
  runId: string;
  taskId: string;
  scheduledFor: Date;
  maxRetry: number;
  trigger: RunTrigger;
  destination?: string | undefined;
  /** The task's priority, 1 (lowest) to 10 (highest); 5 when not given. */
  priority?: number | undefined;
  deliverBy?: Date | null;
  /** When it came due, where jitter puts that after `scheduledFor`. */
  dueAt?: Date | undefined;
  /** Whether the task has dependencies; unknown (absent): the worker looks. */
  gated?: boolean | undefined;
}

/** The backoff type our workers implement (exponential from RETRY_BACKOFF_MS, at least a 429's Retry-After). */
export const DELIVERY_BACKOFF = 'webhook';

/**
 * Deterministic: the same due instant of the same task always gets the same id,
 * so an add repeated after a crash is ignored by BullMQ. (BullMQ forbids ':' in ids.)
 */
export function deliveryJobId(taskId: string, scheduledFor: Date): string {
  return `${taskId}_${scheduledFor.getTime()}`;
}

/** The inverse of deliveryJobId; undefined for an id of another shape. */
export function parseDeliveryJobId(jobId: string): { taskId: string; scheduledFor: Date } | undefined {
  const separator = jobId.lastIndexOf('_');
  const ms = Number(jobId.slice(separator + 1));
  if (separator <= 0 || !Number.isSafeInteger(ms) || ms <= 0) return undefined;
  return { taskId: jobId.slice(0, separator), scheduledFor: new Date(ms) };
}

export function deliveryJobData(run: DeliveryRun): DeliveryJobData {
  return {
    taskId: run.taskId,
    runId: run.runId,
    scheduledFor: run.scheduledFor.toISOString(),
    trigger: run.trigger,
    ...(run.destination ? { destination: run.destination } : {}),
    ...(run.deliverBy ? { deliverBy: run.deliverBy.toISOString() } : {}),
    ...(run.dueAt ? { dueAt: run.dueAt.toISOString() } : {}),
    ...(run.gated !== undefined ? { gated: run.gated } : {}),
  };
}

/** The task priority (1–10) of a job, from its BullMQ priority (see deliveryJobOptions); 5 when it has none. */
export function taskPriorityOf(jobPriority: number | undefined): number {
  return jobPriority ? 11 - jobPriority : 5;
}

export function deliveryJobOptions(run: DeliveryRun, backoffMs: number): JobsOptions & { jobId: string } {
  return {
    jobId: deliveryJobId(run.taskId, run.scheduledFor),
    attempts: run.maxRetry + 1,
    // BullMQ takes 1 as its highest priority: task priority 10 is job priority 1, 1 is 10.
    // Within one priority jobs go in the order added: due order. (It survives a wait in
    // the delayed set: a promoted job goes back among its priority.)
    priority: 11 - Math.min(10, Math.max(1, Math.round(run.priority ?? 5))),
    backoff: { type: DELIVERY_BACKOFF, delay: backoffMs },
    // Finished jobs linger briefly so a late duplicate add is still recognised;
    // the attempt key in task_logs is what finally guarantees one delivery per attempt.
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 24 * 3600, count: 1000 },
  };
}
