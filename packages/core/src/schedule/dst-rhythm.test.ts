import { describe, expect, it } from 'vitest';
import { parseSchedule } from './parse-schedule';

describe('the hour field croner evaluates', () => {
  it.each([
    ['a single hour stays', '30 2 * * *', '30 2 * * *'],
    ['a list stays', '0 1,13 * * *', '0 1,13 * * *'],
    ['a range that misses hours stays', '0 8-18 * * *', '0 8-18 * * *'],
    ['every hour stays a wildcard', '*/15 * * * *', '*/15 * * * *'],
    ['a range of all 24 hours becomes a wildcard', '0 0-23 * * *', '0 * * * *'],
    ['a step over the day becomes the list of its hours', '0 */6 * * *', '0 0,6,12,18 * * *'],
    ['a stepped range becomes its list', '0 1-9/4 * * *', '0 1,5,9 * * *'],
    ['a step of 1 is every hour', '0 */1 * * *', '0 * * * *'],
    ['6 fields: the hour is the third field', '0 0 */12 * * *', '0 0 0,12 * * *'],
    ['a macro is left to croner', '@hourly', '@hourly'],
  ])('%s: %s → %s', (_name, expression, cronPattern) => {
    expect(parseSchedule(expression).cronPattern).toBe(cronPattern);
  });
});
