/**
 * Date formatting for the dashboard. One rule: every instant is shown in the browser's zone
 * (`displayTimeZone`), named with it ("09:00:00 Europe/Paris"), on every page. A task's own zone
 * says how its schedule is read, and is shown by name beside the schedule, not used for instants.
 */

const instantFormats = new Map<string, Intl.DateTimeFormat>();

function instantFormat(timeZone: string): Intl.DateTimeFormat {
  let format = instantFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    instantFormats.set(timeZone, format);
  }
  return format;
}

/** `Mon 2025-11-24 09:00:00 Europe/Paris`: sortable, unambiguous, in the display zone unless told. */
export function formatInstant(value: Date | string, timeZone = displayTimeZone()): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  let parts: Intl.DateTimeFormatPart[];
  let zone = currentZoneName(timeZone);
  try {
    parts = instantFormat(timeZone).formatToParts(date);
  } catch {
    parts = instantFormat('UTC').formatToParts(date);
    zone = 'UTC';
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${zone}`;
}

/**
 * Zones IANA has renamed whose old names ICU still reports as canonical (so browsers list
 * Asia/Calcutta, not Asia/Kolkata). Both names work everywhere; users look for the current one.
 */
const renamedZones: Record<string, string> = {
  'America/Godthab': 'America/Nuuk',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** A zone under its current IANA name. */
export function currentZoneName(zone: string): string {
  return renamedZones[zone] ?? zone;
}

/** The browser's own zone: a new task's default. */
export function localTimeZone(): string {
  return currentZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** The zone every instant on the dashboard is shown in: the browser's (see the top of this file). */
export function displayTimeZone(): string {
  return localTimeZone();
}

// `numeric: 'always'`: "in 1 day" stays true for 30 hours away, where "tomorrow" would not.
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** `in 5 minutes`, `3 hours ago`, `now`. */
export function formatRelative(value: Date | string, now: Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  const diff = date.getTime() - now.getTime();
  if (Number.isNaN(diff)) return '—';
  if (Math.abs(diff) < 1000) return 'now';
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'second') return relativeFormat.format(Math.round(diff / ms), unit);
  }
  return '—';
}

/**
 * For something that has happened (an attempt, a last run): `3 hours ago`, or `just now`.
 * The page's clock ticks once a second, so data fetched since its last tick can hold an
 * event newer than that clock, which must not read as being in the future.
 */
export function formatAgo(value: Date | string, now: Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  return now.getTime() - date.getTime() < 1000 ? 'just now' : formatRelative(date, now);
}

/** `850 ms`, `1.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A share from 0 to 1 (the API's `success_rate_24h`) as a percentage; null (nothing ended) as a dash. */
export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const percent = value * 100;
  return `${percent.toFixed(percent >= 99.95 || percent === 0 ? 0 : 1)}%`;
}

/** `09:05` in the display zone unless told, for chart axes. */
export function formatClock(value: Date | string, timeZone = displayTimeZone()): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '';
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(date);
  } catch {
    return '';
  }
}
