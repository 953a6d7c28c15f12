import { LruCache } from './lru-cache';

/** A timezone that is not an IANA name the runtime knows. */
export class InvalidTimezoneError extends Error {
  constructor(readonly timezone: string) {
    super(
      `Unknown timezone '${timezone}': expected an IANA timezone name such as 'UTC', 'Europe/Berlin' or 'America/New_York'.`,
    );
    this.name = 'InvalidTimezoneError';
  }
}

// Garbage input must not grow memory without bound, hence the cap.
const canonicalNames = new LruCache<string, string | null>(1000);

/**
 * The runtime's canonical name for an IANA timezone (`utc` → `UTC`, `US/Eastern` →
 * `America/New_York`), or undefined when it is not one. Offsets such as `+05:00` are refused
 * even where the runtime accepts them: a task's timezone is a place, so its DST rules apply.
 */
export function canonicalTimezone(timezone: string): string | undefined {
  const cached = canonicalNames.get(timezone);
  if (cached !== undefined) return cached ?? undefined;
  const canonical = resolveTimezone(timezone);
  canonicalNames.set(timezone, canonical ?? null);
  return canonical;
}

/**
 * How a task keeps the timezone it was given: the runtime's spelling when it is the
 * same name in another case (`europe/paris` → `Europe/Paris`), else the name as given,
 * so a current name stays (`Asia/Kolkata`, which ICU would turn into `Asia/Calcutta`).
 * Undefined when it is not a timezone.
 */
export function storedTimezone(timezone: string): string | undefined {
  const canonical = canonicalTimezone(timezone);
  if (canonical === undefined) return undefined;
  return canonical.toLowerCase() === timezone.toLowerCase() ? canonical : timezone;
}

export function isValidTimezone(timezone: string): boolean {
  return canonicalTimezone(timezone) !== undefined;
}

function resolveTimezone(timezone: string): string | undefined {
  if (typeof timezone !== 'string' || timezone === '' || timezone.length > 100 || /^[+\-\d]/.test(timezone)) {
    return undefined;
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
