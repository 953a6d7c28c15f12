import { describe, expect, it } from 'vitest';
import { describePunctuality, lateness } from './punctuality';

describe('punctuality in words', () => {
  it.each([
    [0, '0 ms'],
    [999, '999 ms'],
    [1500, '1.5 s'],
    [90_000, '1.5 min'],
  ])('%i ms late reads %s', (ms, text) => expect(lateness(ms)).toBe(text));

  it('says so when no scheduled run exists or none has sent a request', () => {
    const none = { runs: 0, lateness_p50_ms: null, lateness_p99_ms: null, skipped: 0 };
    expect(describePunctuality(none)).toBe('No scheduled run yet');
    expect(describePunctuality({ ...none, runs: 2, skipped: 2 })).toBe(
      'No scheduled run has sent a request yet; 2 skipped',
    );
  });

  it('gives the median and the 99th percentile over the runs counted', () => {
    expect(describePunctuality({ runs: 42, lateness_p50_ms: 4, lateness_p99_ms: 2500, skipped: 1 })).toBe(
      'Sent 4 ms after due (median), 2.5 s at the 99th percentile, over its last 42 scheduled runs; 1 skipped',
    );
  });
});
