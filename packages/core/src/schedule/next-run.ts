import { type Cron } from 'croner';
import { LruCache } from './lru-cache';
import { createCron, parseSchedule } from './parse-schedule';
import { canonicalTimezone, InvalidTimezoneError } from './timezone';

/**
 * One schedule read in one timezone, with the last answer it gave. The due instants of a
 * schedule are a fixed set, so if the first one after `fromMs` is `nextMs`, it is also the
 * first one after any instant in [fromMs, nextMs): a publisher tick that asks for thousands of
 * tasks sharing a schedule evaluates it once.
 */
interface ZonedSchedule {
  readonly cron: Cron;
  last?: { fromMs: number; nextMs: number | null };
}

/**
 * Bounded because each croner job holds about 80 KB (a 10,000-entry year table), so 500
 * entries stay under ~40 MB even when every task has its own schedule.
 */
const ZONED_CACHE_SIZE = 500;
const zoned = new LruCache<string, ZonedSchedule>(ZONED_CACHE_SIZE);

/**
 * The first due instant of `expression`, read in `timezone`, strictly after `after`; null if it
 * never comes due again. Throws InvalidScheduleError or InvalidTimezoneError for bad input.
 * DST follows SPEC §4 (see DIALECT in parse-schedule.ts).
 */
export function nextRunAt(expression: string, timezone: string, after: Date): Date | null {
  const afterMs = instantOf(after);
  const entry = zonedSchedule(expression, timezone);
  const last = entry.last;
  if (last && afterMs >= last.fromMs && (last.nextMs === null || afterMs < last.nextMs)) {
    return last.nextMs === null ? null : new Date(last.nextMs);
  }
  const next = entry.cron.nextRun(new Date(afterMs));
  const nextMs = next === null ? null : next.getTime();
  // A later call with an earlier `after` that lands on the same instant widens the window.
  const fromMs = last && last.nextMs === nextMs ? Math.min(last.fromMs, afterMs) : afterMs;
  entry.last = { fromMs, nextMs };
  return next;
}

/** The next `count` due instants strictly after `after` (fewer if the schedule ends). */
export function nextRunTimes(expression: string, timezone: string, after: Date, count: number): Date[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Expected count to be a whole number of at least 0, got ${count}.`);
  }
  const runs: Date[] = [];
  let from = new Date(instantOf(after));
  while (runs.length < count) {
    const next = nextRunAt(expression, timezone, from);
    if (next === null) break;
    runs.push(next);
    from = next;
  }
  return runs;
}

function zonedSchedule(expression: string, timezone: string): ZonedSchedule {
  const key = `${timezone}\n${expression}`;
  const cached = zoned.get(key);
  if (cached) return cached;
  const schedule = parseSchedule(expression);
  const canonical = canonicalTimezone(timezone);
  if (canonical === undefined) throw new InvalidTimezoneError(timezone);
  const cron = createCron(
    schedule,
    canonical === 'UTC' ? { kind: 'utc' } : { kind: 'iana', name: canonical },
  );
  const entry: ZonedSchedule = { cron };
  zoned.set(key, entry);
  return entry;
}

function instantOf(after: Date): number {
  const ms = after instanceof Date ? after.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`Expected a valid Date to count from, got ${String(after)}.`);
  return ms;
}
