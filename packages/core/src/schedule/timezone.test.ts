import { describe, expect, it } from 'vitest';
import { isValidTimezone } from './timezone';

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
