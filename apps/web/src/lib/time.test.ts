import { describe, expect, it } from 'vitest';
import {
  currentZoneName,
  formatAgo,
  formatDuration,
  formatInstant,
  formatRate,
  formatRelative,
} from './time';

describe('time formatting', () => {
  it("shows an instant in the display zone (the browser's), named, or in the zone given", () => {
    expect(formatInstant('2025-07-01T12:00:00Z')).toBe('Tue 2025-07-01 12:00:00 UTC');
    expect(formatInstant('2025-07-01T12:00:00Z', 'Europe/Paris')).toBe(
      'Tue 2025-07-01 14:00:00 Europe/Paris',
    );
    expect(formatInstant('2025-01-01T12:00:00Z', 'America/New_York')).toBe(
      'Wed 2025-01-01 07:00:00 America/New_York',
    );
    expect(formatInstant('not a date', 'UTC')).toBe('—');
  });

  it('phrases relative times both ways', () => {
    const now = new Date('2025-03-06T12:00:00Z');
    expect(formatRelative('2025-03-06T12:05:00Z', now)).toBe('in 5 minutes');
    expect(formatRelative('2025-03-06T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2025-03-08T12:00:00Z', now)).toBe('in 2 days');
    expect(formatRelative('2025-03-06T12:00:00.400Z', now)).toBe('now');
  });

  it('never puts what has happened in the future, though the page clock lags the data', () => {
    const now = new Date('2025-03-06T12:00:00Z');
    expect(formatAgo('2025-03-06T09:00:00Z', now)).toBe('3 hours ago');
    // An attempt 3 s newer than the page's clock, refreshed before the clock ticked.
    expect(formatAgo('2025-03-06T12:00:03Z', now)).toBe('just now');
    expect(formatAgo('not a date', now)).toBe('—');
  });

  it('names renamed zones as IANA does now, and leaves the others alone', () => {
    expect(currentZoneName('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(currentZoneName('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(currentZoneName('Europe/Paris')).toBe('Europe/Paris');
    // The current name is a zone the browser (and the API) accept.
    expect(formatInstant('2025-07-01T12:00:00Z', 'Asia/Calcutta')).toBe(
      'Tue 2025-07-01 17:30:00 Asia/Kolkata',
    );
  });

  it('formats durations and rates', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1530)).toBe('1.5 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(null)).toBe('—');
    expect(formatRate(0.9)).toBe('90.0%');
    expect(formatRate(0.9725)).toBe('97.3%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(null)).toBe('—');
  });
});
