import { describe, expect, it } from 'vitest';
import { InvalidScheduleError } from './invalid-schedule-error';
import { parseSchedule } from './parse-schedule';

function errorOf(expression: string): InvalidScheduleError {
  try {
    parseSchedule(expression);
  } catch (error) {
    if (error instanceof InvalidScheduleError) return error;
    throw error;
  }
  throw new Error(`expected "${expression}" to be refused`);
}

describe('parseSchedule accepts the dialect', () => {
  it.each([
    ['5 fields', '*/5 * * * *', false],
    ['6 fields, seconds first', '*/10 * * * * *', true],
    ['every bound: seconds 0-59', '0-59 * * * * *', true],
    ['every bound: minutes 0-59', '0-59 * * * *', false],
    ['every bound: hours 0-23', '0 0-23 * * *', false],
    ['every bound: day of month 1-31', '0 0 1-31 * *', false],
    ['every bound: month 1-12', '0 0 1 1-12 *', false],
    ['every bound: day of week 0-7', '0 0 * * 0-7', false],
    ['month names', '0 0 1 jan,FEB,Mar *', false],
    ['day names', '0 0 * * SUN,mon,Tue,WED,thu,FRI,sat', false],
    ['L', '0 0 L * *', false],
    ['LW', '0 0 LW * *', false],
    ['L in a list', '0 0 15,L * *', false],
    ['W', '0 0 15W * *', false],
    ['#', '0 0 * * MON#2', false],
    ['last weekday', '0 0 * * 5L', false],
    ['stepped range', '0-30/10 * * * *', false],
    ['? as wildcard', '0 0 ? * *', false],
    ['@yearly', '@yearly', false],
    ['@annually', '@annually', false],
    ['@monthly', '@monthly', false],
    ['@weekly', '@weekly', false],
    ['@daily', '@daily', false],
    ['@hourly', '@hourly', false],
    ['@midnight (Vixie alias of @daily)', '@midnight', false],
  ])('%s: %s', (_name, expression, hasSeconds) => {
    const schedule = parseSchedule(expression);
    expect(schedule.expression).toBe(expression);
    expect(schedule.hasSeconds).toBe(hasSeconds);
  });

  it('normalizes whitespace', () => {
    expect(parseSchedule('  0   9 *\t* 1-5 ').expression).toBe('0 9 * * 1-5');
  });
});

describe('parseSchedule refuses, saying what was wrong and what was expected', () => {
  it.each([
    // Field count and macros.
    ['* * *', 'Expected 5 or 6 fields (or a macro such as @daily), got 3: "* * *".'],
    ['', 'Expected 5 or 6 fields (or a macro such as @daily), got 0: "".'],
    ['* * * * * * *', 'Expected 5 or 6 fields (or a macro such as @daily), got 7: "* * * * * * *".'],
    [
      '2030-01-01T00:00:00',
      'Expected 5 or 6 fields (or a macro such as @daily), got 1: "2030-01-01T00:00:00".',
    ],
    ['@daily 5', 'Expected 5 or 6 fields (or a macro such as @daily), got 2: "@daily 5".'],
    [
      '@reboot',
      "Unsupported macro '@reboot': a task runs on a schedule, not when a machine starts; expected a cron expression or one of @yearly, @annually, @monthly, @weekly, @daily, @hourly.",
    ],
    [
      '@fortnightly',
      "Unknown macro '@fortnightly': expected one of @yearly, @annually, @monthly, @weekly, @daily, @hourly.",
    ],
    // Each field's bounds.
    ['60 * * * * *', "Too large value '60' in seconds: expected values in the range 0-59."],
    ['61 * * * *', "Too large value '61' in minutes: expected values in the range 0-59."],
    ['0 24 * * *', "Too large value '24' in hours: expected values in the range 0-23."],
    ['0 0 0 * *', "Too small value '0' in day of month: expected values in the range 1-31."],
    ['0 0 32 * *', "Too large value '32' in day of month: expected values in the range 1-31."],
    ['0 0 1 0 *', "Too small value '0' in month: expected values in the range 1-12."],
    ['0 0 1 13 *', "Too large value '13' in month: expected values in the range 1-12."],
    ['0 0 * * 8', "Too large value '8' in day of week: expected values in the range 0-7."],
    ['1-60 * * * *', "Too large value '60' in minutes: expected values in the range 0-59."],
    ['0 0 1 1-13 *', "Too large value '13' in month: expected values in the range 1-12."],
    ['0 0 32W * *', "Too large value '32' in day of month: expected values in the range 1-31."],
    // Names, ranges, steps, lists.
    ['0 0 * FOO *', "Invalid value 'FOO' in month: expected values in the range 1-12 or names JAN-DEC."],
    [
      '0 0 * * MONDAY',
      "Invalid value 'MONDAY' in day of week: expected values in the range 0-7 or names SUN-SAT.",
    ],
    ['0 MON * * *', "Invalid value 'MON' in hours: expected values in the range 0-23."],
    ['0 10:30 * * *', "Invalid value '10:30' in hours: expected values in the range 0-23."],
    ['-1 * * * *', "Invalid value '-1' in minutes: expected values in the range 0-59."],
    [
      '5-1 * * * *',
      "Invalid range '5-1' in minutes: its start is greater than its end; expected low-high with values in the range 0-59.",
    ],
    [
      '0 0 * * FRI-MON',
      "Invalid range 'FRI-MON' in day of week: its start is greater than its end; expected low-high with values in the range 0-7.",
    ],
    ['*/0 * * * *', "Too small step '0' in minutes ('*/0'): expected a step in the range 1-60."],
    ['0 */25 * * *', "Too large step '25' in hours ('*/25'): expected a step in the range 1-24."],
    [
      '5/15 * * * *',
      "Invalid step '5/15' in minutes: expected a step after '*' or a range, as in '*/15' or '0-59/15'.",
    ],
    [
      '1,,2 * * * *',
      "Empty value in minutes ('1,,2'): expected values in the range 0-59, separated by single commas.",
    ],
    // Modifiers.
    [
      '0 0 * * 5#6',
      "Too large nth weekday '6' in day of week ('5#6'): expected an nth weekday in the range 1-5 or L (last).",
    ],
    [
      '0 0 * * 5#0',
      "Too small nth weekday '0' in day of week ('5#0'): expected an nth weekday in the range 1-5 or L (last).",
    ],
    [
      '0 0 1#2 * *',
      "Invalid value '1#2' in day of month: '#' (nth weekday) is only allowed in day of week, as in 'MON#2'.",
    ],
    [
      '0 5W * * *',
      "Invalid value '5W' in hours: 'W' (nearest weekday) is only allowed in day of month, as in '15W'.",
    ],
    [
      '0 0 * 5L *',
      "Invalid value '5L' in month: 'L' (last) is only allowed in day of month and day of week, as in 'L' or 'FRIL'.",
    ],
    [
      '0 0 1W-5 * *',
      "Invalid value '1W-5' in day of month: 'W' (nearest weekday) applies to a single day, as in '15W'.",
    ],
    [
      '0 0 L-2 * *',
      "Invalid value 'L-2' in day of month: 'L' (last day of the month) stands alone, as in 'L' or 'LW'.",
    ],
    [
      '0 0 * * L',
      "Invalid value 'L' in day of week: 'L' follows a weekday, as in '5L' or 'FRIL' (last Friday of the month).",
    ],
    [
      '0 0 1 * +MON',
      "Unsupported '+' in day of week ('+MON'): when both day of month and day of week are restricted, either matching is enough, so expected no '+' before the days.",
    ],
  ])('%j', (expression, message) => {
    expect(errorOf(expression).message).toBe(message);
  });

  it('names the field, the value and what was expected', () => {
    const error = errorOf('61 * * * *');
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect(error.name).toBe('InvalidScheduleError');
    expect({ field: error.field, value: error.value, expected: error.expected }).toEqual({
      field: 'minutes',
      value: '61',
      expected: 'values in the range 0-59',
    });
  });

  it('refuses a value that is not text', () => {
    expect(() => parseSchedule(42 as unknown as string)).toThrow(
      'Expected a cron expression as text, got number.',
    );
  });
});
