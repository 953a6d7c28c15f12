/**
 * Wall-clock times in an IANA zone ↔ instants, with Intl alone: what the task form's "Once at"
 * needs to turn a date and time in the task's zone into the RFC 3339 instant the API takes.
 */

/** How a local time maps to an instant: once, twice (the repeated autumn hour) or not at all (the spring gap). */
export type LocalTimeResolution =
  | { kind: 'exact'; instant: Date }
  /** Clocks went back: the time happened twice; the first is taken (as the schedule's fixed hours do, SPEC §4). */
  | { kind: 'repeated'; instant: Date; later: Date }
  /** Clocks went forward over it: the first valid instant after the gap, shifted by the gap's length. */
  | { kind: 'skipped'; instant: Date }
  | { kind: 'invalid'; message: string };

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      era: 'short',
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `instant` in `timeZone`, as milliseconds of a UTC date with the same fields. */
function wallClockMs(instant: number, timeZone: string): number {
  const parts = partFormat(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  const wall = new Date(0);
  wall.setUTCFullYear(year, get('month') - 1, get('day'));
  wall.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  return wall.getTime();
}

/** The zone's offset from UTC at `instant`, in milliseconds (east positive). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const seconds = Math.floor(instant.getTime() / 1000) * 1000;
  return wallClockMs(seconds, timeZone) - seconds;
}

/**
 * The instant a `<input type="datetime-local">` value (`2025-03-30T02:30`) names in `timeZone`.
 * Around a change of offset the two offsets in force a day either side are tried: a time that
 * matches both happened twice, one that matches neither was skipped.
 */
export function resolveLocalTime(local: string, timeZone: string): LocalTimeResolution {
  const match = LOCAL_TIME.exec(local);
  if (!match) return { kind: 'invalid', message: 'Expected a date and a time.' };
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, 0);
  if (wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day || hour > 23 || minute > 59) {
    return { kind: 'invalid', message: `${local} is not a date and time that exists.` };
  }
  const wallMs = wall.getTime();
  let offsets: number[];
  try {
    offsets = [
      zoneOffsetMs(new Date(wallMs - 86_400_000), timeZone),
      zoneOffsetMs(new Date(wallMs + 86_400_000), timeZone),
    ];
  } catch {
    return { kind: 'invalid', message: `Unknown timezone "${timeZone}".` };
  }
  const candidates = [...new Set(offsets.map((offset) => wallMs - offset))]
    .filter((instant) => wallClockMs(instant, timeZone) === wallMs)
    .sort((a, b) => a - b);
  const [first, later] = candidates;
  if (first !== undefined && later !== undefined)
    return { kind: 'repeated', instant: new Date(first), later: new Date(later) };
  if (first !== undefined) return { kind: 'exact', instant: new Date(first) };
  // In the gap: read with the offset from before it, which lands as far past the gap's end.
  return { kind: 'skipped', instant: new Date(wallMs - (offsets[0] ?? 0)) };
}

const pad = (value: number, length = 2) => String(Math.abs(value)).padStart(length, '0');

/**
 * `2025-03-30T03:30:00+02:00`: the instant as RFC 3339 with the zone's offset at that instant. An
 * offset with seconds (local mean time, before time zones) cannot be written so: UTC then.
 */
export function toRfc3339InZone(instant: Date, timeZone: string): string {
  const offsetMs = zoneOffsetMs(instant, timeZone);
  if (offsetMs % 60_000 !== 0) return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const wall = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offsetMs);
  const offsetMinutes = offsetMs / 60_000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  return `${date}T${time}${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
}

/** The `<input type="datetime-local">` value (to the minute) showing `instant` in `timeZone`. */
export function toLocalTimeInput(instant: Date | string, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return '';
  let wall: Date;
  try {
    wall = new Date(wallClockMs(date.getTime(), timeZone));
  } catch {
    return '';
  }
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}
