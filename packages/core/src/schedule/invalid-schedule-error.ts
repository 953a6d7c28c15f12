/**
 * A schedule the parser refused. The message says what was wrong and what was expected
 * (`Too large value '61' in minutes: expected values in the range 0-59.`); the fields let
 * callers show the same facts next to the input.
 */
export class InvalidScheduleError extends Error {
  /** The cron field that is wrong (`minutes`, `day of week`…), or `expression` for the whole. */
  readonly field?: string;
  /** The offending text, as written. */
  readonly value?: string;
  /** What would have been accepted there (`values in the range 0-59`). */
  readonly expected?: string;

  constructor(message: string, details: { field?: string; value?: string; expected?: string } = {}) {
    super(message);
    this.name = 'InvalidScheduleError';
    this.field = details.field;
    this.value = details.value;
    this.expected = details.expected;
  }
}
