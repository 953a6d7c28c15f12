import { z } from 'zod';
import { TaskValidationError } from '../errors';
import { parseTaskInput } from '../task-input';
import { type DestinationKey, parseDestinationKey } from './destination';

/** The sane maxima of a destination's limits (SPEC §12): more would mean no limit at all. */
export const MAX_DESTINATION_CONCURRENCY = 10_000;
export const MAX_DESTINATION_RATE = 1_000_000;
export const MAX_DESTINATION_RATE_SECONDS = 86_400;

const limit = (what: string, max: number) =>
  z
    .number({ error: `expected ${what}: a whole number from 1 to ${max}, or null for the default` })
    .int(`expected ${what} as a whole number from 1 to ${max}`)
    .min(1, `expected ${what} from 1 to ${max} (0 or less would stop every delivery)`)
    .max(max, `expected ${what} of at most ${max}`)
    .nullable()
    .optional();

/** `PUT /api/destinations/:key`: any of the three limits; null clears one (the default applies). */
export const destinationLimitsSchema = z
  .strictObject(
    {
      max_concurrency: limit('a number of requests in flight', MAX_DESTINATION_CONCURRENCY),
      rate_limit_max: limit('a number of requests per window', MAX_DESTINATION_RATE),
      rate_limit_per_seconds: limit('a window in seconds', MAX_DESTINATION_RATE_SECONDS),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? undefined
          : 'expected a JSON object with any of max_concurrency, rate_limit_max, rate_limit_per_seconds',
    },
  )
  .meta({ example: { max_concurrency: 2, rate_limit_max: 5, rate_limit_per_seconds: 2 } });

export type DestinationLimitsInput = z.output<typeof destinationLimitsSchema>;

/** Reads a PUT body; a bad one is a VALIDATION_ERROR naming each field. */
export function parseDestinationLimits(input: unknown): DestinationLimitsInput {
  return parseTaskInput(destinationLimitsSchema, input ?? {});
}

/** A key from a URL or the command line; a VALIDATION_ERROR naming `key` when it is no destination. */
export function destinationKeyInput(text: string): DestinationKey {
  const key = parseDestinationKey(text);
  if (key === undefined) {
    const message =
      'expected a destination: an http(s) origin such as https://example.com:443, or discord:<webhook id>';
    throw new TaskValidationError(`key: ${message}`, 'VALIDATION_ERROR', { key: message });
  }
  return key;
}
