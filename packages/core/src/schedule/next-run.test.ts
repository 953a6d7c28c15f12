import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidScheduleError } from './invalid-schedule-error';
import { nextRunAt, nextRunTimes } from './next-run';
import { createCron, parseSchedule } from './parse-schedule';
import { InvalidTimezoneError } from './timezone';

/** The next `count` due instants as ISO strings without milliseconds. */
function runs(expression: string, timezone: string, after: string, count: number): string[] {
  return nextRunTimes(expression, timezone, new Date(after), count).map((d) =>
    d.toISOString().replace('.000Z', 'Z'),
  );
}

interface Case {
  name: string;
  expression: string;
  timezone: string;
  after: string;
  expected: string[];
}

function table(cases: Case[]): void {
  it.each(cases)(
    '$name: $expression in $timezone after $after',
    ({ expression, timezone, after, expected }) => {
      expect(runs(expression, timezone, after, expected.length)).toEqual(expected);
    },
  );
}

const NY = 'America/New_York';

describe('DST: spring-forward gap', () => {
  // 2025-03-09 in New York: 02:00 EST (07:00Z) jumps to 03:00 EDT.
  table([
    {
      name: 'a skipped fixed time fires once at the first instant after the gap (03:00 EDT)',
      expression: '30 2 * * *',
      timezone: NY,
      after: '2025-03-08T12:00:00Z',
      expected: ['2025-03-09T07:00:00Z', '2025-03-10T06:30:00Z'],
    },
    {
      name: 'after that catch-up instant, the next is the following day',
      expression: '30 2 * * *',
      timezone: NY,
      after: '2025-03-09T07:00:00Z',
      expected: ['2025-03-10T06:30:00Z'],
    },
    {
      name: 'two skipped fixed times meet at the end of the gap and fire once',
      expression: '0,30 2 * * *',
      timezone: NY,
      after: '2025-03-09T05:00:00Z',
      expected: ['2025-03-09T07:00:00Z', '2025-03-10T06:00:00Z'],
    },
    {
      name: 'a skipped hour in a list of fixed hours fires after the gap',
      expression: '30 2,14 * * *',
      timezone: NY,
      after: '2025-03-09T00:00:00Z',
      expected: ['2025-03-09T07:00:00Z', '2025-03-09T18:30:00Z'],
    },
    {
      name: 'every 15 minutes keeps its real-time rhythm (01:45 EST, then 03:00 EDT)',
      expression: '*/15 * * * *',
      timezone: NY,
      after: '2025-03-09T06:40:00Z',
      expected: ['2025-03-09T06:45:00Z', '2025-03-09T07:00:00Z', '2025-03-09T07:15:00Z'],
    },
    {
      name: 'hourly goes 01:00 EST, 03:00 EDT, 04:00 EDT',
      expression: '0 * * * *',
      timezone: NY,
      after: '2025-03-09T05:30:00Z',
      expected: ['2025-03-09T06:00:00Z', '2025-03-09T07:00:00Z', '2025-03-09T08:00:00Z'],
    },
    {
      name: 'Europe/Berlin: 02:30 does not exist on 2025-03-30, fires at 03:00 CEST',
      expression: '30 2 * * *',
      timezone: 'Europe/Berlin',
      after: '2025-03-29T12:00:00Z',
      expected: ['2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z'],
    },
    {
      name: 'Europe/London: 01:30 does not exist on 2025-03-30, fires at 02:00 BST',
      expression: '30 1 * * *',
      timezone: 'Europe/London',
      after: '2025-03-29T12:00:00Z',
      expected: ['2025-03-30T01:00:00Z', '2025-03-31T00:30:00Z'],
    },
    {
      name: "Australia/Lord_Howe's 30-minute shift: 02:15 is skipped, fires at 02:30 (+11)",
      expression: '15 2 * * *',
      timezone: 'Australia/Lord_Howe',
      after: '2025-10-04T00:00:00Z',
      expected: ['2025-10-04T15:30:00Z', '2025-10-05T15:15:00Z'],
    },
    {
      name: 'every other hour names fixed hours: 02:00 CET is skipped, fires at 03:00 CEST',
      expression: '0 */2 * * *',
      timezone: 'Europe/Berlin',
      after: '2025-03-29T22:30:00Z',
      expected: ['2025-03-29T23:00:00Z', '2025-03-30T01:00:00Z', '2025-03-30T02:00:00Z'],
    },
    {
      name: '6-field: a skipped second fires once after the gap',
      expression: '15 30 2 * * *',
      timezone: NY,
      after: '2025-03-09T00:00:00Z',
      expected: ['2025-03-09T07:00:00Z', '2025-03-10T06:30:15Z'],
    },
  ]);
});

describe('DST: repeated autumn hour', () => {
  // 2025-11-02 in New York: 02:00 EDT (06:00Z) falls back to 01:00 EST; 01:xx happens twice.
  table([
    {
      name: 'a fixed hour fires once, at the first occurrence (05:30Z, not also 06:30Z)',
      expression: '30 1 * * *',
      timezone: NY,
      after: '2025-11-01T12:00:00Z',
      expected: ['2025-11-02T05:30:00Z', '2025-11-03T06:30:00Z'],
    },
    {
      name: 'asked during the second pass, it does not fire again that day',
      expression: '30 1 * * *',
      timezone: NY,
      after: '2025-11-02T06:10:00Z',
      expected: ['2025-11-03T06:30:00Z'],
    },
    {
      name: 'a list of fixed hours fires once in the repeated hour',
      expression: '0 1,13 * * *',
      timezone: NY,
      after: '2025-11-02T04:00:00Z',
      expected: ['2025-11-02T05:00:00Z', '2025-11-02T18:00:00Z', '2025-11-03T06:00:00Z'],
    },
    {
      name: 'every 15 minutes fires in both the EDT and the EST 01:xx hour',
      expression: '*/15 * * * *',
      timezone: NY,
      after: '2025-11-02T05:40:00Z',
      expected: [
        '2025-11-02T05:45:00Z',
        '2025-11-02T06:00:00Z',
        '2025-11-02T06:15:00Z',
        '2025-11-02T06:30:00Z',
        '2025-11-02T06:45:00Z',
        '2025-11-02T07:00:00Z',
      ],
    },
    {
      name: 'hourly fires at 01:00 EDT, 01:00 EST and 02:00 EST',
      expression: '0 * * * *',
      timezone: NY,
      after: '2025-11-02T04:30:00Z',
      expected: ['2025-11-02T05:00:00Z', '2025-11-02T06:00:00Z', '2025-11-02T07:00:00Z'],
    },
    {
      name: 'hourly written as a range (0-23) fires in both 01:00s too',
      expression: '0 0-23 * * *',
      timezone: NY,
      after: '2025-11-02T04:30:00Z',
      expected: ['2025-11-02T05:00:00Z', '2025-11-02T06:00:00Z', '2025-11-02T07:00:00Z'],
    },
    {
      name: 'every other hour names fixed hours: 02:00 fires once, in CEST',
      expression: '0 */2 * * *',
      timezone: 'Europe/Berlin',
      after: '2025-10-25T21:30:00Z',
      expected: ['2025-10-25T22:00:00Z', '2025-10-26T00:00:00Z', '2025-10-26T03:00:00Z'],
    },
    {
      name: 'odd hours by a stepped range: 01:00 fires once, then 03:00 EST',
      expression: '0 1-23/2 * * *',
      timezone: NY,
      after: '2025-11-02T04:30:00Z',
      expected: ['2025-11-02T05:00:00Z', '2025-11-02T08:00:00Z'],
    },
    {
      name: 'every second runs straight through the fall-back instant',
      expression: '* * * * * *',
      timezone: NY,
      after: '2025-11-02T05:59:58Z',
      expected: ['2025-11-02T05:59:59Z', '2025-11-02T06:00:00Z', '2025-11-02T06:00:01Z'],
    },
    {
      name: 'every 20 minutes within hour 1 runs in both passes',
      expression: '*/20 1 * * *',
      timezone: NY,
      after: '2025-11-02T04:00:00Z',
      expected: [
        '2025-11-02T05:00:00Z',
        '2025-11-02T05:20:00Z',
        '2025-11-02T05:40:00Z',
        '2025-11-02T06:00:00Z',
        '2025-11-02T06:20:00Z',
        '2025-11-02T06:40:00Z',
        '2025-11-03T06:00:00Z',
      ],
    },
    {
      name: 'Europe/Berlin: 02:30 on 2025-10-26 fires once, in CEST',
      expression: '30 2 * * *',
      timezone: 'Europe/Berlin',
      after: '2025-10-25T12:00:00Z',
      expected: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
    },
    {
      name: 'Europe/London: 01:30 on 2025-10-26 fires once, in BST',
      expression: '30 1 * * *',
      timezone: 'Europe/London',
      after: '2025-10-25T12:00:00Z',
      expected: ['2025-10-26T00:30:00Z', '2025-10-27T01:30:00Z'],
    },
    {
      name: 'Australia/Lord_Howe: 01:45 on 2025-04-06 fires once, at +11',
      expression: '45 1 * * *',
      timezone: 'Australia/Lord_Howe',
      after: '2025-04-05T00:00:00Z',
      expected: ['2025-04-05T14:45:00Z', '2025-04-06T15:15:00Z'],
    },
    {
      name: 'Australia/Lord_Howe: every 10 minutes in hour 1 runs through the repeated half hour',
      expression: '*/10 1 * * *',
      timezone: 'Australia/Lord_Howe',
      after: '2025-04-05T13:55:00Z',
      expected: [
        '2025-04-05T14:00:00Z',
        '2025-04-05T14:10:00Z',
        '2025-04-05T14:20:00Z',
        '2025-04-05T14:30:00Z',
        '2025-04-05T14:40:00Z',
        '2025-04-05T14:50:00Z',
        '2025-04-05T15:00:00Z',
        '2025-04-05T15:10:00Z',
        '2025-04-05T15:20:00Z',
        '2025-04-06T14:30:00Z',
      ],
    },
  ]);
});

describe('calendar', () => {
  table([
    {
      name: 'the 31st skips months without one',
      expression: '0 0 31 * *',
      timezone: 'UTC',
      after: '2025-01-31T00:00:00Z',
      expected: [
        '2025-03-31T00:00:00Z',
        '2025-05-31T00:00:00Z',
        '2025-07-31T00:00:00Z',
        '2025-08-31T00:00:00Z',
      ],
    },
    {
      name: 'the 30th skips February',
      expression: '0 0 30 * *',
      timezone: 'UTC',
      after: '2025-01-30T00:00:00Z',
      expected: ['2025-03-30T00:00:00Z'],
    },
    {
      name: 'Feb 29 waits for the next leap year',
      expression: '0 0 29 2 *',
      timezone: 'UTC',
      after: '2024-02-29T00:00:00Z',
      expected: ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z'],
    },
    {
      name: 'Feb 29 skips 2100, which is not a leap year',
      expression: '0 0 29 2 *',
      timezone: 'UTC',
      after: '2097-01-01T00:00:00Z',
      expected: ['2104-02-29T00:00:00Z'],
    },
    {
      name: 'L is the last day of each month',
      expression: '0 0 L * *',
      timezone: 'UTC',
      after: '2024-01-31T00:00:00Z',
      expected: ['2024-02-29T00:00:00Z', '2024-03-31T00:00:00Z', '2024-04-30T00:00:00Z'],
    },
    {
      name: 'L in February: 28th, then 29th in a leap year',
      expression: '0 0 L 2 *',
      timezone: 'UTC',
      after: '2023-01-01T00:00:00Z',
      expected: ['2023-02-28T00:00:00Z', '2024-02-29T00:00:00Z', '2025-02-28T00:00:00Z'],
    },
    {
      name: 'L in February 2100 is the 28th',
      expression: '0 0 L 2 *',
      timezone: 'UTC',
      after: '2100-01-01T00:00:00Z',
      expected: ['2100-02-28T00:00:00Z'],
    },
    {
      name: 'LW is the last weekday (Sat 31 May → Fri 30; Sun 31 Aug → Fri 29)',
      expression: '0 0 LW 5,8 *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-05-30T00:00:00Z', '2025-08-29T00:00:00Z'],
    },
    ...['5L', 'FRIL', 'FRI#L', '5#L'].map((dow) => ({
      name: `${dow} is the last Friday of the month`,
      expression: `0 0 * * ${dow}`,
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-31T00:00:00Z', '2025-02-28T00:00:00Z', '2025-03-28T00:00:00Z'],
    })),
    {
      name: '1#2 is the second Monday',
      expression: '0 9 * * 1#2',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-13T09:00:00Z', '2025-02-10T09:00:00Z', '2025-03-10T09:00:00Z'],
    },
    {
      name: 'MON#1 is the first Monday',
      expression: '0 9 * * MON#1',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-06T09:00:00Z', '2025-02-03T09:00:00Z'],
    },
    {
      name: 'FRI#5 only in months with five Fridays',
      expression: '0 9 * * FRI#5',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: [
        '2025-01-31T09:00:00Z',
        '2025-05-30T09:00:00Z',
        '2025-08-29T09:00:00Z',
        '2025-10-31T09:00:00Z',
      ],
    },
    {
      name: '15W: the weekday nearest the 15th (Sat → Fri 14, Sun → Mon 16)',
      expression: '0 9 15W * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: [
        '2025-01-15T09:00:00Z',
        '2025-02-14T09:00:00Z',
        '2025-03-14T09:00:00Z',
        '2025-04-15T09:00:00Z',
        '2025-05-15T09:00:00Z',
        '2025-06-16T09:00:00Z',
      ],
    },
    {
      name: '1W does not cross into the previous month (Sat 1 Feb → Mon 3)',
      expression: '0 9 1W 2 *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-02-03T09:00:00Z'],
    },
    {
      name: '31W does not cross into the next month (Sun 31 Aug → Fri 29)',
      expression: '0 9 31W 8 *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-08-29T09:00:00Z'],
    },
    {
      name: 'Vixie OR: both restricted, every 13th AND every Friday',
      expression: '0 0 13 * FRI',
      timezone: 'UTC',
      after: '2025-06-01T00:00:00Z',
      expected: [
        '2025-06-06T00:00:00Z',
        '2025-06-13T00:00:00Z',
        '2025-06-20T00:00:00Z',
        '2025-06-27T00:00:00Z',
        '2025-07-04T00:00:00Z',
        '2025-07-11T00:00:00Z',
        '2025-07-13T00:00:00Z',
        '2025-07-18T00:00:00Z',
      ],
    },
    {
      name: 'day of month alone: only the 13th',
      expression: '0 0 13 * *',
      timezone: 'UTC',
      after: '2025-06-01T00:00:00Z',
      expected: ['2025-06-13T00:00:00Z', '2025-07-13T00:00:00Z'],
    },
    {
      name: 'day of week alone: only Fridays',
      expression: '0 0 * * FRI',
      timezone: 'UTC',
      after: '2025-06-01T00:00:00Z',
      expected: ['2025-06-06T00:00:00Z', '2025-06-13T00:00:00Z'],
    },
    {
      name: 'L with a weekday is OR too: the last day or any Monday',
      expression: '0 0 L * MON',
      timezone: 'UTC',
      after: '2025-06-24T00:00:00Z',
      expected: ['2025-06-30T00:00:00Z', '2025-07-07T00:00:00Z'],
    },
  ]);
});

describe('fields, names, ranges, steps and lists', () => {
  table([
    {
      name: '7 is Sunday',
      expression: '0 0 * * 7',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z'],
    },
    {
      name: '0 is Sunday',
      expression: '0 0 * * 0',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-05T00:00:00Z'],
    },
    {
      name: 'weekday names in a range, any case',
      expression: '0 8 * * mon-FRI',
      timezone: 'UTC',
      after: '2025-01-03T08:00:00Z',
      expected: ['2025-01-06T08:00:00Z', '2025-01-07T08:00:00Z'],
    },
    {
      name: 'FRI-SUN ends on Sunday',
      expression: '0 8 * * FRI-SUN',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: [
        '2025-01-03T08:00:00Z',
        '2025-01-04T08:00:00Z',
        '2025-01-05T08:00:00Z',
        '2025-01-10T08:00:00Z',
      ],
    },
    {
      name: 'month names in a list',
      expression: '0 0 1 JAN,jul *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-07-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    },
    {
      name: 'a stepped range of month names',
      expression: '0 0 1 JAN-MAY/2 *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-03-01T00:00:00Z', '2025-05-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    },
    {
      name: 'a stepped range of hours',
      expression: '0 9-17/4 * * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: [
        '2025-01-01T09:00:00Z',
        '2025-01-01T13:00:00Z',
        '2025-01-01T17:00:00Z',
        '2025-01-02T09:00:00Z',
      ],
    },
    {
      name: 'a list mixing values and a range',
      expression: '5,10-12 * * * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: [
        '2025-01-01T00:05:00Z',
        '2025-01-01T00:10:00Z',
        '2025-01-01T00:11:00Z',
        '2025-01-01T00:12:00Z',
      ],
    },
    {
      name: 'field bounds: minute 59, hour 23, day 31, month 12',
      expression: '59 23 31 12 *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-12-31T23:59:00Z'],
    },
    {
      name: 'field bounds: second 0 and 59',
      expression: '0,59 0 0 1 1 *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-01T00:00:59Z', '2026-01-01T00:00:00Z'],
    },
    {
      name: '? is a wildcard',
      expression: '0 0 ? * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-02T00:00:00Z'],
    },
    {
      name: 'extra whitespace between fields',
      expression: '  0\t12   *  * * ',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-01T12:00:00Z'],
    },
  ]);
});

describe('macros', () => {
  table([
    {
      name: '@yearly',
      expression: '@yearly',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2026-01-01T00:00:00Z'],
    },
    {
      name: '@annually',
      expression: '@annually',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2026-01-01T00:00:00Z'],
    },
    {
      name: '@monthly',
      expression: '@monthly',
      timezone: 'UTC',
      after: '2025-01-15T00:00:00Z',
      expected: ['2025-02-01T00:00:00Z'],
    },
    {
      name: '@weekly (Sunday)',
      expression: '@weekly',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-05T00:00:00Z'],
    },
    {
      name: '@daily',
      expression: '@daily',
      timezone: 'UTC',
      after: '2025-01-01T10:00:00Z',
      expected: ['2025-01-02T00:00:00Z'],
    },
    {
      name: '@hourly',
      expression: '@hourly',
      timezone: 'UTC',
      after: '2025-01-01T10:20:00Z',
      expected: ['2025-01-01T11:00:00Z'],
    },
    {
      name: 'upper case',
      expression: '@DAILY',
      timezone: 'UTC',
      after: '2025-01-01T10:00:00Z',
      expected: ['2025-01-02T00:00:00Z'],
    },
    {
      name: 'in a timezone: midnight in Tokyo',
      expression: '@daily',
      timezone: 'Asia/Tokyo',
      after: '2025-01-01T10:00:00Z',
      expected: ['2025-01-01T15:00:00Z'],
    },
  ]);
});

describe('seconds', () => {
  table([
    {
      name: '6 fields: every 20 seconds',
      expression: '*/20 * * * * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:05Z',
      expected: ['2025-01-01T00:00:20Z', '2025-01-01T00:00:40Z', '2025-01-01T00:01:00Z'],
    },
    {
      name: '6 fields: a fixed second',
      expression: '30 0 12 * * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:00Z',
      expected: ['2025-01-01T12:00:30Z'],
    },
    {
      name: '5 fields fire at second 0',
      expression: '* * * * *',
      timezone: 'UTC',
      after: '2025-01-01T00:00:30Z',
      expected: ['2025-01-01T00:01:00Z', '2025-01-01T00:02:00Z'],
    },
  ]);
});

describe('nextRunAt', () => {
  it('reads the schedule in the task timezone: 09:00 in Tokyo is 00:00Z', () => {
    expect(nextRunAt('0 9 * * *', 'Asia/Tokyo', new Date('2024-12-31T23:00:00Z'))).toEqual(
      new Date('2025-01-01T00:00:00Z'),
    );
  });

  it.each([
    ['exactly on a due instant returns the next one', '2025-01-01T09:00:00.000Z', '2025-01-02T09:00:00.000Z'],
    ['just after a due instant returns the next one', '2025-01-01T09:00:00.500Z', '2025-01-02T09:00:00.000Z'],
    ['a millisecond before a due instant returns it', '2025-01-01T08:59:59.999Z', '2025-01-01T09:00:00.000Z'],
  ])('%s', (_name, after, expected) => {
    expect(nextRunAt('0 9 * * *', 'UTC', new Date(after))?.toISOString()).toBe(expected);
  });

  it('on a due instant of an every-second schedule returns the next second', () => {
    expect(nextRunAt('* * * * * *', 'UTC', new Date('2025-01-01T09:00:00.000Z'))?.toISOString()).toBe(
      '2025-01-01T09:00:01.000Z',
    );
  });

  it('returns null for a schedule that never comes due (30 February)', () => {
    expect(nextRunAt('0 0 30 2 *', 'UTC', new Date('2025-01-01T00:00:00Z'))).toBeNull();
    expect(nextRunTimes('0 0 30 2 *', 'UTC', new Date('2025-01-01T00:00:00Z'), 3)).toEqual([]);
  });

  it('returns a fresh Date each time (callers may mutate it)', () => {
    const after = new Date('2025-01-01T00:00:00Z');
    const first = nextRunAt('0 9 * * *', 'UTC', after);
    first?.setFullYear(1999);
    expect(nextRunAt('0 9 * * *', 'UTC', after)?.toISOString()).toBe('2025-01-01T09:00:00.000Z');
  });

  it('throws InvalidScheduleError for a bad expression', () => {
    expect(() => nextRunAt('61 * * * *', 'UTC', new Date())).toThrow(InvalidScheduleError);
  });

  it('throws InvalidTimezoneError for an unknown timezone', () => {
    expect(() => nextRunAt('* * * * *', 'Mars/Olympus_Mons', new Date())).toThrow(InvalidTimezoneError);
    expect(() => nextRunAt('* * * * *', 'Mars/Olympus_Mons', new Date())).toThrow(
      "Unknown timezone 'Mars/Olympus_Mons': expected an IANA timezone name such as 'UTC', 'Europe/Berlin' or 'America/New_York'.",
    );
  });

  it('throws for an invalid Date', () => {
    expect(() => nextRunAt('* * * * *', 'UTC', new Date('nope'))).toThrow(RangeError);
  });

  it('accepts timezone aliases the runtime knows', () => {
    expect(nextRunAt('0 9 * * *', 'US/Eastern', new Date('2025-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2025-01-01T14:00:00.000Z',
    );
    expect(nextRunAt('0 9 * * *', 'Etc/UTC', new Date('2025-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2025-01-01T09:00:00.000Z',
    );
  });
});

describe('nextRunTimes', () => {
  it('returns nothing for count 0 and refuses a negative or fractional count', () => {
    expect(nextRunTimes('* * * * *', 'UTC', new Date(), 0)).toEqual([]);
    expect(() => nextRunTimes('* * * * *', 'UTC', new Date(), -1)).toThrow(RangeError);
    expect(() => nextRunTimes('* * * * *', 'UTC', new Date(), 1.5)).toThrow(RangeError);
  });
});

describe('cached answers agree with croner', () => {
  const expressions = [
    '*/7 * * * *',
    '30 1 * * *',
    '0 * * * *',
    '*/15 * * * * *',
    '0 0 L * *',
    '0 9 * * 1#2',
    '30 2 * * *',
  ];
  const zones = ['UTC', NY, 'Europe/London', 'Australia/Lord_Howe'];
  // Around the 2025 transitions, where the answers are hardest.
  const start = Date.parse('2025-03-28T00:00:00Z');
  const end = Date.parse('2025-11-03T12:00:00Z');

  it('for any two instants, the memoized answer equals a fresh evaluation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...expressions),
        fc.constantFrom(...zones),
        fc.integer({ min: start, max: end }),
        fc.integer({ min: 0, max: 3 * 3600 * 1000 }),
        (expression, zone, first, gap) => {
          const fresh = createCron(
            parseSchedule(expression),
            zone === 'UTC' ? { kind: 'utc' } : { kind: 'iana', name: zone },
          );
          for (const at of [first, first + gap, first - gap]) {
            const expected = fresh.nextRun(new Date(at))?.toISOString() ?? null;
            expect(nextRunAt(expression, zone, new Date(at))?.toISOString() ?? null).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('UTC read without Intl (utcOffset 0) matches the IANA UTC zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...expressions, '0 0 29 2 *', '0 0 13 * FRI'),
        fc.integer({ min: start, max: end }),
        (expression, at) => {
          const viaIntl = createCron(parseSchedule(expression), { kind: 'iana', name: 'UTC' });
          expect(nextRunAt(expression, 'UTC', new Date(at))?.toISOString()).toBe(
            viaIntl.nextRun(new Date(at))?.toISOString(),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
