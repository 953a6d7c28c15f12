import { describe, expect, test } from 'vitest';
import { resolveLocalTime, toLocalTimeInput, toRfc3339InZone } from './zoned-time';

/** The RFC 3339 instant "Once at" sends for a date and time typed in a zone. */
const sent = (local: string, zone: string) => {
  const resolved = resolveLocalTime(local, zone);
  return resolved.kind === 'invalid' ? resolved.kind : toRfc3339InZone(resolved.instant, zone);
};

describe('a date and time in a zone → the instant sent as run_at', () => {
  test.each([
    // [zone, typed, kind, sent, the same instant in UTC]
    ['UTC', '2025-05-01T09:00', 'exact', '2025-05-01T09:00:00+00:00', '2025-05-01T09:00:00.000Z'],
    ['Europe/Paris', '2025-01-15T09:00', 'exact', '2025-01-15T09:00:00+01:00', '2025-01-15T08:00:00.000Z'],
    ['Europe/Paris', '2025-07-01T09:00', 'exact', '2025-07-01T09:00:00+02:00', '2025-07-01T07:00:00.000Z'],
    // Spring forward: 02:00–03:00 does not exist; 02:30 is read as 03:30, as far past the gap.
    ['Europe/Paris', '2025-03-30T02:30', 'skipped', '2025-03-30T03:30:00+02:00', '2025-03-30T01:30:00.000Z'],
    ['Europe/Paris', '2025-03-30T03:00', 'exact', '2025-03-30T03:00:00+02:00', '2025-03-30T01:00:00.000Z'],
    ['Europe/Paris', '2025-03-30T01:59', 'exact', '2025-03-30T01:59:00+01:00', '2025-03-30T00:59:00.000Z'],
    // Fall back: 02:00–03:00 happens twice; the first is taken.
    ['Europe/Paris', '2025-10-26T02:30', 'repeated', '2025-10-26T02:30:00+02:00', '2025-10-26T00:30:00.000Z'],
    [
      'America/New_York',
      '2025-03-09T02:30',
      'skipped',
      '2025-03-09T03:30:00-04:00',
      '2025-03-09T07:30:00.000Z',
    ],
    [
      'America/New_York',
      '2025-11-02T01:30',
      'repeated',
      '2025-11-02T01:30:00-04:00',
      '2025-11-02T05:30:00.000Z',
    ],
    ['Asia/Kolkata', '2025-01-01T09:00', 'exact', '2025-01-01T09:00:00+05:30', '2025-01-01T03:30:00.000Z'],
    [
      'America/St_Johns',
      '2025-01-01T09:00',
      'exact',
      '2025-01-01T09:00:00-03:30',
      '2025-01-01T12:30:00.000Z',
    ],
    // Lord Howe moves its clocks by half an hour.
    [
      'Australia/Lord_Howe',
      '2025-10-05T02:15',
      'skipped',
      '2025-10-05T02:45:00+11:00',
      '2025-10-04T15:45:00.000Z',
    ],
    // Samoa skipped a whole day (30 December 2011) to cross the date line.
    ['Pacific/Apia', '2011-12-30T12:00', 'skipped', '2011-12-31T12:00:00+14:00', '2011-12-30T22:00:00.000Z'],
  ])('%s %s is %s: %s', (zone, local, kind, rfc3339, utc) => {
    const resolved = resolveLocalTime(local, zone);
    expect(resolved.kind).toBe(kind);
    expect(resolved.kind !== 'invalid' && resolved.instant.toISOString()).toBe(utc);
    expect(sent(local, zone)).toBe(rfc3339);
    expect(new Date(rfc3339).toISOString()).toBe(utc);
  });

  test('the second pass of a repeated hour is named too', () => {
    const resolved = resolveLocalTime('2025-10-26T02:30', 'Europe/Paris');
    expect(resolved.kind === 'repeated' && resolved.later.toISOString()).toBe('2025-10-26T01:30:00.000Z');
  });

  test.each([
    ['', 'UTC', 'Expected a date and a time.'],
    ['2025-05-01', 'UTC', 'Expected a date and a time.'],
    ['2025-02-30T10:00', 'UTC', '2025-02-30T10:00 is not a date and time that exists.'],
    ['2025-05-01T09:00', 'Mars/Olympus', 'Unknown timezone "Mars/Olympus".'],
  ])('"%s" in %s is refused: %s', (local, zone, message) => {
    expect(resolveLocalTime(local, zone)).toEqual({ kind: 'invalid', message });
  });

  test('seconds in the value are kept', () => {
    expect(sent('2025-05-01T09:00:30', 'Europe/Paris')).toBe('2025-05-01T09:00:30+02:00');
  });
});

describe('an instant → the date and time an edit form shows', () => {
  test.each([
    ['2025-03-30T01:30:00.000Z', 'Europe/Paris', '2025-03-30T03:30'],
    ['2025-10-26T00:30:00.000Z', 'Europe/Paris', '2025-10-26T02:30'],
    ['2025-10-26T01:30:00.000Z', 'Europe/Paris', '2025-10-26T02:30'],
    ['2025-01-01T03:30:00.000Z', 'Asia/Kolkata', '2025-01-01T09:00'],
    ['2025-12-31T23:59:59.999Z', 'UTC', '2025-12-31T23:59'],
  ])('%s in %s shows %s', (instant, zone, local) => {
    expect(toLocalTimeInput(instant, zone)).toBe(local);
  });

  test('an unreadable instant or zone shows nothing rather than throwing', () => {
    expect(toLocalTimeInput('not a date', 'UTC')).toBe('');
    expect(toLocalTimeInput('2025-01-01T00:00:00Z', 'Mars/Olympus')).toBe('');
  });

  test('what an edit form shows is read back as the same instant, outside a repeated hour', () => {
    for (const instant of [
      '2025-03-30T01:30:00.000Z',
      '2025-07-14T18:45:00.000Z',
      '2025-11-01T23:00:00.000Z',
    ]) {
      const local = toLocalTimeInput(instant, 'America/New_York');
      const resolved = resolveLocalTime(local, 'America/New_York');
      expect(resolved.kind !== 'invalid' && resolved.instant.toISOString()).toBe(instant);
    }
  });
});
