import { InvalidScheduleError } from './invalid-schedule-error';
import { nextRunAt } from './next-run';
import { InvalidTimezoneError } from './timezone';

/** What decides when a task comes due: a cron schedule, or one instant (a one-time task). */
export interface TaskTiming {
  task_schedule: string | null;
  run_at: Date | null;
  timezone: string;
}

/**
 * The first instant strictly after `after` at which the task comes due: from its
 * schedule, or its `run_at` while that is still ahead. Null when it never comes
 * due again (a one-time task whose instant has passed, a schedule that ends).
 * Throws InvalidScheduleError or InvalidTimezoneError for a schedule that cannot be read.
 */
export function nextDueInstant(task: TaskTiming, after: Date): Date | null {
  if (task.task_schedule !== null) return nextRunAt(task.task_schedule, task.timezone, after);
  return task.run_at !== null && task.run_at.getTime() > after.getTime() ? task.run_at : null;
}

/** What a publisher does with a task it claimed as due. */
export type ClaimPlan =
  /** One run for `scheduledFor`; the task comes due again at `next`. */
  | { kind: 'fire'; scheduledFor: Date; next: Date }
  /** One run for `scheduledFor`, and never due again: a one-time task. */
  | { kind: 'fire-last'; scheduledFor: Date }
  /** Nothing can be fired: its schedule cannot be read, or never comes due. Looked at again later. */
  | { kind: 'broken'; reason: string; known: boolean; cause?: unknown };

/**
 * SPEC §5 and §11: a claimed task becomes one run for its due instant; instants
 * missed while no publisher ran coalesce into that one run, since the next one
 * is counted from `now`. A one-time task fires once and is never due again —
 * which is not a broken schedule.
 */
export function planClaim(task: TaskTiming & { next_run_at: Date | null }, now: Date): ClaimPlan {
  // A due instant set by hand to -infinity (or garbage) is simply overdue.
  const due = isInstant(task.next_run_at) ? task.next_run_at : now;
  if (task.task_schedule === null) return { kind: 'fire-last', scheduledFor: due };
  try {
    const next = nextRunAt(task.task_schedule, task.timezone, due > now ? due : now);
    // A schedule that never comes due (February 30th, written by hand) has nothing to fire.
    if (next === null) return { kind: 'broken', reason: 'never comes due', known: true };
    return { kind: 'fire', scheduledFor: due, next };
  } catch (error) {
    const known = error instanceof InvalidScheduleError || error instanceof InvalidTimezoneError;
    return {
      kind: 'broken',
      reason: error instanceof Error ? error.message : String(error),
      known,
      cause: error,
    };
  }
}

function isInstant(value: Date | null): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
