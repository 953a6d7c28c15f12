import { describe, expect, it } from 'vitest';
import { isValidTimezone, storedTimezone } from './timezone';

describe('isValidTimezone', () => {
  it.each([
    'UTC',
    'Etc/UTC',
    'America/New_York',
    'Europe/Berlin',
    'Asia/Tokyo',
    'Australia/Lord_Howe',
    'US/Eastern',
  ])('accepts the IANA name %s', (timezone) => {
    expect(isValidTimezone(timezone)).toBe(true);
  });

  it.each(['', 'garbage', 'Mars/Olympus_Mons', 'Local', '+05:00', '-0300', '5', 'America/New York'])(
    'refuses %j',
    (timezone) => {
      expect(isValidTimezone(timezone)).toBe(false);
    },
  );
});

describe('storedTimezone', () => {
  it.each([
    ['europe/paris', 'Europe/Paris'],
    ['utc', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    // Current names stay as given, though ICU's canonical names are the older ones.
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['US/Eastern', 'US/Eastern'],
  ])('%s is kept as %s', (given, stored) => {
    expect(storedTimezone(given)).toBe(stored);
  });

  it('is undefined for a name that is not a timezone', () => {
    expect(storedTimezone('Mars/Olympus_Mons')).toBeUndefined();
  });
});
