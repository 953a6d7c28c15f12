import { InvalidScheduleError } from './invalid-schedule-error';
import { jitteredInstant } from './jitter';
import { nextRunAt } from './next-run';
import { InvalidTimezoneError } from './timezone';

/** SPEC §13: what a task does with instants missed while nothing ran (publishers down, a pause). */
export const catchUpPolicies = ['latest', 'none', 'all'] as const;
export type CatchUp = (typeof catchUpPolicies)[number];
/** `catch_up: all` makes at most this many runs: the latest missed instants. */
export const MAX_CATCH_UP_RUNS = 100;
/**
 * `catch_up: none`: an instant that came due less than this long ago is on time (a publisher
 * tick a little late), not missed; older ones are skipped.
 */
export const ON_TIME_GRACE_MS = 10_000;

/**
 * What decides when a task comes due: a cron schedule, or one instant (a one-time task),
 * and the execution control of SPEC §13. The §13 fields are optional: absent means none.
 */
export interface TaskTiming {
  task_schedule: string | null;
  run_at: Date | null;
  timezone: string;
  /** Seeds the jitter: the same task and instant get the same offset everywhere. */
  id?: string;
  starts_at?: Date | null;
  ends_at?: Date | null;
  paused_until?: Date | null;
  catch_up?: CatchUp | null;
  jitter_ms?: number | null;
}

/** How far back the nominal instant of a jittered due instant is looked for, in instants. */
const NOMINAL_SEARCH_LIMIT = 1_000;
/** Instants enumerated at most to find the missed ones: beyond that only the latest count. */
const ENUMERATION_LIMIT = 20_000;

/**
 * The first nominal instant strictly after `after` inside the task's active range
 * (`starts_at` ≤ instant, and it comes due — jitter applied — by `ends_at`), the pause
 * aside: from its schedule, or its `run_at` while that is still ahead. Null when it never
 * comes due again: an instant whose jittered one falls after `ends_at` is the end.
 * Throws InvalidScheduleError or InvalidTimezoneError for a schedule that cannot be read.
 */
export function nextNominalInstant(task: TaskTiming, after: Date): Date | null {
  const startsAt = task.starts_at ?? null;
  // Strictly after one millisecond before starts_at: at starts_at or later.
  const from =
    startsAt !== null && startsAt.getTime() - 1 > after.getTime() ? new Date(startsAt.getTime() - 1) : after;
  const next =
    task.task_schedule !== null
      ? nextRunAt(task.task_schedule, task.timezone, from)
      : task.run_at !== null && task.run_at.getTime() > from.getTime()
        ? task.run_at
        : null;
  if (next === null) return null;
  return isPastEnd(task, next) ? null : next;
}

/** SPEC §13: no run comes due after `ends_at` — counted from when it comes due, jitter included. */
function isPastEnd(task: TaskTiming, nominal: Date): boolean {
  const endsAt = task.ends_at ?? null;
  return endsAt !== null && dueAt(task, nominal).getTime() > endsAt.getTime();
}

/** How many of a schedule's coming intervals are looked at for its shortest. */
const INTERVAL_SAMPLE = 50;

/**
 * SPEC §13's jitter keeps a task's runs in the order of their instants only while it is
 * shorter than the interval between two of them: a longer one would put a run after the
 * next. What is wrong with `jitterMs` for `schedule` (for a 400 naming jitter_ms), or
 * undefined when it fits (a schedule that cannot be read is the schedule's own error).
 */
export function jitterProblem(
  schedule: string,
  timezone: string,
  jitterMs: number,
  from: Date,
): string | undefined {
  if (!(jitterMs > 0)) return undefined;
  let shortest = Number.POSITIVE_INFINITY;
  try {
    let previous = nextRunAt(schedule, timezone, from);
    for (let i = 0; previous !== null && i < INTERVAL_SAMPLE; i += 1) {
      const next = nextRunAt(schedule, timezone, previous);
      if (next === null) break;
      shortest = Math.min(shortest, next.getTime() - previous.getTime());
      previous = next;
    }
  } catch {
    return undefined;
  }
  if (jitterMs < shortest) return undefined;
  return `expected less than the schedule's shortest interval (${shortest} ms between two of its instants): a jitter that long would put a run after the next one`;
}

/** When the run for `nominal` comes due: its jittered instant. */
export function dueAt(task: TaskTiming, nominal: Date): Date {
  const jitter = task.jitter_ms ?? 0;
  return jitter > 0 && task.id ? jitteredInstant(task.id, nominal, jitter) : nominal;
}

/**
 * The instant at which the task next comes due, counted from `after`: the jittered
 * instant of its first nominal instant after `after`, inside its active range. A pause
 * (`paused_until`) with `catch_up: none` skips the instants before it; with `latest` or
 * `all` they are kept, to be caught up when the pause ends (the claim waits for it, and
 * comesDueAt says when that is). Null when it never comes due again.
 */
export function nextDueInstant(task: TaskTiming, after: Date): Date | null {
  let nominal = nextNominalInstant(task, after);
  if (nominal === null) return null;
  const pause = task.paused_until ?? null;
  if (pause !== null && (task.catch_up ?? 'latest') === 'none' && dueAt(task, nominal) < pause) {
    // Only an instant within jitter_ms before the pause's end can come due after it.
    const jitter = Math.max(0, task.jitter_ms ?? 0);
    let cursor = new Date(Math.max(after.getTime(), pause.getTime() - jitter - 1));
    for (;;) {
      nominal = nextNominalInstant(task, cursor);
      if (nominal === null) return null;
      if (dueAt(task, nominal) >= pause) break;
      cursor = nominal;
    }
  }
  return dueAt(task, nominal);
}

/**
 * When a task with `next_run_at` really comes due: not before its pause ends (a pause
 * keeps the instants it covers in `next_run_at` for its catch-up). Null when never.
 */
export function comesDueAt(task: { next_run_at: Date | null; paused_until?: Date | null }): Date | null {
  const next = task.next_run_at;
  const pause = task.paused_until ?? null;
  if (next === null || pause === null) return next;
  return pause > next ? pause : next;
}

/**
 * The nominal instant whose jittered instant is `due` (`next_run_at` holds the jittered
 * one): looked for among the instants at most `jitter_ms` before it. A due instant that
 * is no jittered instant of the schedule (set by hand, say) is its own nominal instant.
 */
export function nominalInstantOf(task: TaskTiming, due: Date): Date {
  const jitter = task.jitter_ms ?? 0;
  if (jitter <= 0 || !task.id) return due;
  if (task.task_schedule === null)
    return task.run_at !== null && dueAt(task, task.run_at) === due ? task.run_at : due;
  let cursor = new Date(due.getTime() - jitter - 1);
  for (let i = 0; i < NOMINAL_SEARCH_LIMIT; i += 1) {
    const nominal = nextRunAt(task.task_schedule, task.timezone, cursor);
    if (nominal === null || nominal > due) break;
    if (dueAt(task, nominal).getTime() === due.getTime()) return nominal;
    cursor = nominal;
  }
  return due;
}

/** The instant after the task's next one, for skip-next: null when there is none. */
export function instantAfterNext(task: TaskTiming & { next_run_at: Date | null }): Date | null {
  if (task.next_run_at === null) return null;
  const nominal = nextNominalInstant(task, nominalInstantOf(task, task.next_run_at));
  return nominal === null ? null : dueAt(task, nominal);
}

/**
 * The next `count` instants at which the task comes due, from its `next_run_at` (jitter,
 * active range and pause applied): what the API's `next_runs` and the form's preview show.
 * Instants a pause covers are caught up at its end as `catch_up` says: once (`latest`),
 * one each (`all`), or not at all (`none`).
 */
export function upcomingDueInstants(task: TaskTiming & { next_run_at: Date | null }, count: number): Date[] {
  const runs: Date[] = [];
  if (task.next_run_at === null) return runs;
  const pause = task.paused_until ?? null;
  const catchUp = task.catch_up ?? 'latest';
  let nominal: Date | null = nominalInstantOf(task, task.next_run_at);
  let due = task.next_run_at;
  let heldByPause = false;
  while (nominal !== null && runs.length < count) {
    if (pause !== null && due < pause) {
      if (catchUp === 'all') runs.push(pause);
      else heldByPause = catchUp === 'latest';
      // Only `all` shows each covered instant: the others go straight to the pause's end.
      const skipTo = new Date(pause.getTime() - Math.max(0, task.jitter_ms ?? 0) - 1);
      nominal = nextNominalInstant(task, catchUp !== 'all' && skipTo > nominal ? skipTo : nominal);
    } else if (heldByPause && pause !== null) {
      runs.push(pause);
      heldByPause = false;
      // An instant at the pause's very end is the latest covered: the catch-up run is its own.
      if (due.getTime() !== pause.getTime()) continue;
      nominal = nextNominalInstant(task, nominal);
    } else {
      runs.push(due);
      nominal = nextNominalInstant(task, nominal);
    }
    if (nominal !== null) due = dueAt(task, nominal);
  }
  if (heldByPause && pause !== null && runs.length < count) runs.push(pause);
  return runs;
}

/**
 * SPEC §13 `deliver_within_ms`: the instant by which the run for the nominal instant
 * `scheduledFor` must be delivered — counted from when it came due (jitter included).
 * Null when the task has no deadline.
 */
export function deliveryDeadline(
  task: TaskTiming & { deliver_within_ms?: number | null },
  scheduledFor: Date,
): Date | null {
  const within = task.deliver_within_ms ?? null;
  return within === null ? null : new Date(dueAt(task, scheduledFor).getTime() + within);
}

/** What a publisher does with a task it claimed as due. */
export type ClaimPlan =
  /** One run for the nominal instant `scheduledFor`; the task comes due again at `next`. */
  | { kind: 'fire'; scheduledFor: Date; next: Date; missed: number }
  /** One run for `scheduledFor`, and never due again (a one-time task, or past `ends_at`). */
  | { kind: 'fire-last'; scheduledFor: Date; missed: number }
  /** No run: what came due was missed and `catch_up` is `none`; due again at `next` (null: never). */
  | { kind: 'skip'; next: Date | null; missed: number }
  /** Nothing can be fired: its schedule cannot be read, or never comes due. Looked at again later. */
  | { kind: 'broken'; reason: string; known: boolean; cause?: unknown };

/**
 * SPEC §5, §11 and §13: a claimed task becomes at most one run. The instants that came
 * due by `now` (from its due instant on, inside its active range) are handled as its
 * `catch_up` says:
 * - `latest`: one run for them all, for the latest of them; the next is the first after it;
 * - `all`: one run for the oldest of the latest MAX_CATCH_UP_RUNS; the next is the one after
 *   it, already due, so they are made back to back, one claim each;
 * - `none`: those that came due more than ON_TIME_GRACE_MS ago are skipped.
 * `missed` counts the instants passed over. `scheduledFor` is the nominal instant; the
 * `next` instant is jittered (when it comes due). A one-time task fires once and is never
 * due again — which is not a broken schedule.
 */
export function planClaim(task: TaskTiming & { next_run_at: Date | null }, now: Date): ClaimPlan {
  // A due instant set by hand to -infinity (or garbage) is simply overdue.
  const due = isInstant(task.next_run_at) ? task.next_run_at : now;
  const catchUp = task.catch_up ?? 'latest';
  try {
    if (task.task_schedule === null) {
      const nominal = nominalInstantOf(task, due);
      if (catchUp === 'none' && due.getTime() < now.getTime() - ON_TIME_GRACE_MS) {
        return { kind: 'skip', next: null, missed: 1 };
      }
      return { kind: 'fire-last', scheduledFor: nominal, missed: 0 };
    }
    const scheduled = { ...task, task_schedule: task.task_schedule };
    const first = nominalInstantOf(task, due);
    const cameDue = instantsCameDue(scheduled, first, now, catchUp === 'all' ? MAX_CATCH_UP_RUNS : 1);
    const latest = cameDue.at(-1);
    if (latest === undefined) return { kind: 'skip', next: null, missed: 0 };
    let chosen: Date;
    let missed: number;
    if (catchUp === 'all') {
      chosen = cameDue[0]!;
      missed = 0;
    } else if (catchUp === 'none' && dueAt(task, latest).getTime() < now.getTime() - ON_TIME_GRACE_MS) {
      const next = followingDue(scheduled, latest);
      if (next.kind === 'broken') return next;
      return { kind: 'skip', next: next.at, missed: latest > first ? 2 : 1 };
    } else {
      chosen = latest;
      missed = latest > first ? 1 : 0;
    }
    const next = followingDue(scheduled, chosen);
    if (next.kind === 'broken') return next;
    return next.at === null
      ? { kind: 'fire-last', scheduledFor: chosen, missed }
      : { kind: 'fire', scheduledFor: chosen, next: next.at, missed };
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

/**
 * The due instant of the nominal instant after `nominal`, null past the active range;
 * broken when the schedule itself never comes due (February 30th, written by hand).
 */
function followingDue(
  task: TaskTiming & { task_schedule: string },
  nominal: Date,
): { kind: 'next'; at: Date | null } | Extract<ClaimPlan, { kind: 'broken' }> {
  if (nextRunAt(task.task_schedule, task.timezone, nominal) === null) {
    return { kind: 'broken', reason: 'never comes due', known: true };
  }
  const next = nextNominalInstant(task, nominal);
  return { kind: 'next', at: next === null ? null : dueAt(task, next) };
}

/**
 * The latest `keep` nominal instants, oldest first, from `first` (the claimed due instant's
 * own, always counted) up to `now` and the end of the active range, whose jittered instants
 * have come by `now`. Looks back from `now` over a window that widens until it holds
 * `keep` of them or reaches `first`, so a long outage of a frequent schedule costs little.
 */
function instantsCameDue(
  task: TaskTiming & { task_schedule: string },
  first: Date,
  now: Date,
  keep: number,
): Date[] {
  const endsAt = task.ends_at ?? null;
  const end = Math.min(now.getTime(), endsAt === null ? Number.POSITIVE_INFINITY : endsAt.getTime());
  if (first.getTime() > end) return [];
  for (let windowMs = 60_000; ; windowMs *= 8) {
    const start = Math.max(first.getTime(), end - windowMs);
    const fromFirst = start === first.getTime();
    const found: Date[] = fromFirst ? [first] : [];
    let cursor = new Date(fromFirst ? first.getTime() : start - 1);
    for (let i = 0; i < ENUMERATION_LIMIT; i += 1) {
      const next = nextRunAt(task.task_schedule, task.timezone, cursor);
      if (next === null || next.getTime() > end || isPastEnd(task, next)) break;
      if (dueAt(task, next).getTime() <= now.getTime()) found.push(next);
      if (found.length > 2 * keep) found.splice(0, found.length - keep);
      cursor = next;
    }
    if (found.length >= keep || fromFirst) return found.slice(-keep);
  }
}

function isInstant(value: Date | null): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
