import { InvalidScheduleError, isValidTimezone, nextRunTimes, parseSchedule } from '@scheduler/core';
import { describeSchedule } from './describe-schedule';

export type SchedulePreview =
  | { kind: 'empty' }
  | { kind: 'invalid'; message: string }
  | { kind: 'valid'; description: string; nextRuns: Date[] };

/**
 * What the form shows under the schedule input. Validity and the due instants come from
 * `@scheduler/core`, the code the publisher runs, so the preview cannot disagree with what fires.
 */
export function previewSchedule(expression: string, timezone: string, now: Date, count = 5): SchedulePreview {
  const trimmed = expression.trim();
  if (trimmed === '') return { kind: 'empty' };
  try {
    parseSchedule(trimmed);
    if (!isValidTimezone(timezone)) {
      return {
        kind: 'invalid',
        message: `Unknown timezone '${timezone}': expected an IANA name such as Europe/Paris.`,
      };
    }
    const nextRuns = nextRunTimes(trimmed, timezone, now, count);
    return { kind: 'valid', description: describeSchedule(trimmed) ?? 'A custom schedule', nextRuns };
  } catch (error) {
    if (error instanceof InvalidScheduleError) return { kind: 'invalid', message: error.message };
    return { kind: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
}
