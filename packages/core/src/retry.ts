/** What one delivery attempt came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; httpStatus: number } // 2xx
  // A non-2xx response; `gone` says why the webhook is gone for good (webhookGoneReason).
  | { kind: 'http-error'; httpStatus: number; retryAfterMs?: number; gone?: string }
  | { kind: 'network-error'; message: string } // refused, reset, DNS…
  | { kind: 'timeout'; timeoutMs: number }
  // No request was made: the target's address is one webhooks may not reach (SPEC §14).
  | { kind: 'refused'; message: string };

/** What to do after an attempt. */
export type RetryDecision =
  | { kind: 'done' } // delivered
  | { kind: 'retry'; delayMs: number }
  // No retry left, or cannot succeed by retrying. `reason` says why the run ends, not what
  // the webhook answered, which the caller has (and puts first: "HTTP 404 — not retryable: …").
  // `disable`: the webhook is gone, and its task is disabled with this reason (SPEC §14).
  | { kind: 'fail'; reason: string; disable?: string };

/**
 * The longest a Retry-After header may hold a retry back. A webhook answering
 * `Retry-After: 31536000` would otherwise keep its task `running` for a year.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * SPEC §5: a 5xx, 408, 429, network error or timeout is retried while
 * `retryCount < maxRetry`, after an exponential backoff (a Retry-After, as a 429 or 503
 * sends, makes it wait at least that long). Any other status — another 4xx, or a 3xx since
 * redirects are not followed — cannot succeed by retrying and fails at once.
 *
 * `retryCount` is the attempt's own `retry_count`: 0 for the first attempt, 1 for the first
 * retry, …; `maxRetry` is the task's `max_retry` (retries after the first attempt).
 */
export function decideRetry(
  outcome: AttemptOutcome,
  retryCount: number,
  maxRetry: number,
  backoffBaseMs: number,
  /** Earlier attempts answered 429/503 that spent no retry: counted when the run gives up. */
  rateLimited = 0,
): RetryDecision {
  switch (outcome.kind) {
    case 'delivered':
      return { kind: 'done' };
    case 'http-error': {
      if (outcome.gone !== undefined) {
        return {
          kind: 'fail',
          reason: 'not retryable: the webhook is gone, and its task is disabled',
          disable: outcome.gone,
        };
      }
      if (!isRetryableStatus(outcome.httpStatus)) {
        return { kind: 'fail', reason: notRetryableReason(outcome.httpStatus) };
      }
      return retryOrGiveUp(retryCount, maxRetry, backoffBaseMs, outcome.retryAfterMs, rateLimited);
    }
    case 'network-error':
    case 'timeout':
      return retryOrGiveUp(retryCount, maxRetry, backoffBaseMs, undefined, rateLimited);
    case 'refused':
      // Its address will not change class by waiting: one attempt, no retry.
      return {
        kind: 'fail',
        reason: 'not retryable: the webhook resolves to an address webhooks may not reach',
      };
    default:
      return assertNever(outcome);
  }
}

/** `base * 2^retryCount`: the first retry (after attempt 0) waits `base`, the next twice that, … */
export function backoffDelayMs(retryCount: number, backoffBaseMs: number): number {
  return Math.max(0, backoffBaseMs) * 2 ** Math.max(0, Math.floor(retryCount));
}

/**
 * A Retry-After header (RFC 9110 §10.2.3) as milliseconds from `now`: either delay-seconds
 * (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past is 0).
 * Anything else is undefined.
 */
export function parseRetryAfter(header: string | undefined, now: Date): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  const at = parseHttpDate(value, now);
  if (at === undefined) return undefined;
  return Math.max(0, at - now.getTime());
}

function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function notRetryableReason(status: number): string {
  if (status >= 300 && status < 400) {
    return 'not retryable: the webhook answered with a redirect, and redirects are not followed';
  }
  if (status >= 400 && status < 500) {
    return 'not retryable: the webhook refused the request';
  }
  return 'not retryable: expected a 2xx response';
}

function retryOrGiveUp(
  retryCount: number,
  maxRetry: number,
  backoffBaseMs: number,
  retryAfterMs: number | undefined,
  rateLimited: number,
): RetryDecision {
  if (retryCount < maxRetry) {
    const backoff = backoffDelayMs(retryCount, backoffBaseMs);
    const asked = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
    return { kind: 'retry', delayMs: Math.max(backoff, asked) };
  }
  // As many as the run's attempt_count: those a 429/503 answered spent no retry, and are said so.
  const free = Math.max(0, rateLimited);
  const attempts = Math.max(0, retryCount) + 1 + free;
  const waits = free === 0 ? '' : ` (${free} of them answered 429 or 503 and spent no retry)`;
  return {
    kind: 'fail',
    reason: `gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}${waits}`,
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
/** Obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
/** Obsolete asctime: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/** The three HTTP-date forms (RFC 9110 §5.6.7), read strictly: Date.parse accepts far more. */
function parseHttpDate(value: string, now: Date): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) return utc(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = RFC_850.exec(value);
  if (match) {
    // Two-digit years: RFC 9110 reads one more than 50 years ahead as the past century.
    const year = 2000 + Number(match[3]);
    return utc(
      String(year > now.getUTCFullYear() + 50 ? year - 100 : year),
      match[2],
      match[1],
      match[4],
      match[5],
      match[6],
    );
  }
  match = ASCTIME.exec(value);
  if (match) return utc(match[6], match[1], match[2], match[3], match[4], match[5]);
  return undefined;
}

function utc(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): number | undefined {
  const monthIndex = MONTHS.indexOf((month ?? '').toLowerCase());
  const [y, d, h, m, s] = [year, day, hours, minutes, seconds].map((part) => Number((part ?? '').trim()));
  if (y === undefined || d === undefined || h === undefined || m === undefined || s === undefined)
    return undefined;
  if (monthIndex < 0 || d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, monthIndex, d, h, m, Math.min(s, 59));
  // Date.UTC rolls 31 Feb over into March; an HTTP-date naming a day that does not exist is garbage.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

/**
 * SPEC §12: a 429 or 503 that was sent is a failed attempt, but it does not spend one of
 * the task's retries — up to this many per run; past that they spend retries as any failure.
 */
export const MAX_FREE_RATE_LIMITED = 10;

/**
 * Whether an answer asks the run to wait rather than fail: a 429 or 503 while the run has
 * met fewer than MAX_FREE_RATE_LIMITED of them. It is sent again after the hold the answer
 * set (`holdMs`), or after the backoff when it said nothing of how long.
 */
export function decideRateLimited(
  outcome: AttemptOutcome,
  rateLimitedSoFar: number,
  holdMs: number | undefined,
  backoffBaseMs: number,
): { kind: 'wait'; delayMs: number } | undefined {
  if (outcome.kind !== 'http-error' || (outcome.httpStatus !== 429 && outcome.httpStatus !== 503))
    return undefined;
  if (rateLimitedSoFar >= MAX_FREE_RATE_LIMITED) return undefined;
  const backoff = backoffDelayMs(rateLimitedSoFar, backoffBaseMs);
  return { kind: 'wait', delayMs: holdMs !== undefined && holdMs > 0 ? holdMs : backoff };
}
