import { Cron, type CronOptions, CronPattern } from 'croner';
import { withDstRhythm } from './dst-rhythm';
import { diagnoseField } from './field-diagnosis';
import { InvalidScheduleError } from './invalid-schedule-error';
import { LruCache } from './lru-cache';
import { fieldSpecsFor } from './schedule-fields';

declare const scheduleBrand: unique symbol;

/** A schedule the parser accepted. Opaque: build it with parseSchedule. */
export interface Schedule {
  /** The expression as written, trimmed, with each run of whitespace made one space. */
  readonly expression: string;
  /** True for 6-field expressions (seconds first); 5-field ones fire at second 0. */
  readonly hasSeconds: boolean;
  /** What croner evaluates: the expression with its hour field set for DST (see dst-rhythm.ts). */
  readonly cronPattern: string;
  readonly [scheduleBrand]: true;
}

/** The macros of SPEC §4, plus Vixie cron's `@midnight` (= `@daily`), which croner reads too. */
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'] as const;
const ACCEPTED_MACROS: ReadonlySet<string> = new Set([...MACROS, '@midnight']);
const MACRO_LIST = MACROS.join(', ');

const COUNT_EXPECTED = '5 or 6 fields (or a macro such as @daily)';

/**
 * croner options that give SPEC §4's dialect:
 * - `mode: '5-or-6-parts'`: 5 fields, or 6 with seconds first (no year field); 5-field
 *   schedules fire at second 0.
 * - `domAndDow: false`: when both day of month and day of week are restricted, either
 *   matching is enough (Vixie cron).
 * - `fixedTimeRule: 'no-wildcard'`: no `*` or step in seconds, minutes and hours makes a
 *   fixed-time schedule for DST, lists and ranges included (`0 1,13 * * *` fires once in a
 *   repeated 01:00; croner's default would fire it in both). The hour field is adjusted
 *   first, see dst-rhythm.ts.
 */
const PATTERN_OPTIONS = { mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard' } as const;
const DIALECT: CronOptions = { ...PATTERN_OPTIONS, domAndDow: false };

/** Where a schedule is read: UTC (no Intl, hence much faster in croner) or an IANA zone. */
export type ScheduleZone = { kind: 'utc' } | { kind: 'iana'; name: string };

/** The croner job (never started: no function is given) that evaluates `schedule` in `zone`. */
export function createCron(schedule: Schedule, zone: ScheduleZone): Cron {
  const where: CronOptions = zone.kind === 'utc' ? { utcOffset: 0 } : { timezone: zone.name };
  return new Cron(schedule.cronPattern, { ...DIALECT, ...where });
}

const parsed = new LruCache<string, Schedule>(1000);

/** Parses a cron expression (SPEC §4). Throws InvalidScheduleError saying what was wrong and what was expected. */
export function parseSchedule(expression: string): Schedule {
  if (typeof expression !== 'string') {
    throw new InvalidScheduleError(`Expected a cron expression as text, got ${typeof expression}.`, {
      field: 'expression',
      expected: COUNT_EXPECTED,
    });
  }
  const cached = parsed.get(expression);
  if (cached) return cached;
  const schedule = validate(expression);
  parsed.set(expression, schedule);
  return schedule;
}

function validate(expression: string): Schedule {
  const trimmed = expression.trim();
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  const normalized = fields.join(' ');
  const [first = ''] = fields;

  if (fields.length === 1 && first.startsWith('@')) {
    checkMacro(first);
  } else {
    if (fields.length !== 5 && fields.length !== 6) {
      throw new InvalidScheduleError(`Expected ${COUNT_EXPECTED}, got ${fields.length}: "${trimmed}".`, {
        field: 'expression',
        value: trimmed,
        expected: COUNT_EXPECTED,
      });
    }
    // croner would take an expression with ':' for a date to fire once, and a '+' before the
    // days as "day of month AND day of week"; neither is part of the dialect.
    if (/[:+@]/.test(normalized)) throw explain(fields, undefined);
  }

  let pattern: CronPattern;
  try {
    pattern = new CronPattern(normalized, undefined, PATTERN_OPTIONS);
  } catch (error) {
    throw explain(fields, error);
  }
  // Macros need no adjustment: @hourly has every hour, the others a single one.
  const cronPattern =
    fields.length === 1 ? normalized : withDstRhythm(fields, fields.length === 6 ? 2 : 1, pattern.hour);
  const schedule = { expression: normalized, hasSeconds: fields.length === 6, cronPattern } as Schedule;
  // The adjusted pattern must build too, so nextRunAt never meets croner's own errors.
  createCron(schedule, { kind: 'utc' });
  return schedule;
}

function checkMacro(macro: string): void {
  const name = macro.toLowerCase();
  if (ACCEPTED_MACROS.has(name)) return;
  const expected = `a cron expression or one of ${MACRO_LIST}`;
  if (name === '@reboot') {
    throw new InvalidScheduleError(
      `Unsupported macro '${macro}': a task runs on a schedule, not when a machine starts; expected ${expected}.`,
      { field: 'expression', value: macro, expected },
    );
  }
  throw new InvalidScheduleError(`Unknown macro '${macro}': expected one of ${MACRO_LIST}.`, {
    field: 'expression',
    value: macro,
    expected: `one of ${MACRO_LIST}`,
  });
}

/** Turns croner's refusal into a message naming the field, the value and the accepted range. */
function explain(fields: readonly string[], error: unknown): InvalidScheduleError {
  if (fields.length === 5 || fields.length === 6) {
    const specs = fieldSpecsFor(fields.length);
    for (const [index, spec] of specs.entries()) {
      const found = diagnoseField(spec, fields[index] ?? '');
      if (found) return found;
    }
  }
  const reason =
    error instanceof Error
      ? error.message.replace(/^Cron\w*:\s*/, '').replace(/\.$/, '')
      : 'not a cron expression';
  const expression = fields.join(' ');
  return new InvalidScheduleError(
    `Invalid schedule "${expression}": ${reason}. Expected ${COUNT_EXPECTED} with values in each field's range.`,
    { field: 'expression', value: expression, expected: COUNT_EXPECTED },
  );
}
