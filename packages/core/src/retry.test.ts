import { describe, expect, it } from 'vitest';
import {
  type AttemptOutcome,
  backoffDelayMs,
  decideRateLimited,
  MAX_FREE_RATE_LIMITED,
  decideRetry,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  type RetryDecision,
} from './retry';

const BASE = 1000;
const http = (httpStatus: number, retryAfterMs?: number): AttemptOutcome => ({
  kind: 'http-error',
  httpStatus,
  retryAfterMs,
});
const refused: AttemptOutcome = { kind: 'network-error', message: 'connect ECONNREFUSED 127.0.0.1:4000' };
const timeout: AttemptOutcome = { kind: 'timeout', timeoutMs: 10000 };

describe('decideRetry', () => {
  it.each<[string, AttemptOutcome, number, number, RetryDecision]>([
    // [name, outcome, retryCount, maxRetry, decision]
    ['200 is done', { kind: 'delivered', httpStatus: 200 }, 0, 3, { kind: 'done' }],
    ['204 on the last retry is done', { kind: 'delivered', httpStatus: 204 }, 3, 3, { kind: 'done' }],
    [
      '500 on the first attempt retries after the base delay',
      http(500),
      0,
      3,
      { kind: 'retry', delayMs: 1000 },
    ],
    ['503 on the second retry doubles twice', http(503), 2, 3, { kind: 'retry', delayMs: 4000 }],
    [
      '502 with no retry left gives up',
      http(502),
      3,
      3,
      { kind: 'fail', reason: 'gave up after 4 attempts' },
    ],
    [
      '500 with max_retry 0 gives up at once',
      http(500),
      0,
      0,
      { kind: 'fail', reason: 'gave up after 1 attempt' },
    ],
    [
      'a refused target fails at once, whatever retries are left',
      { kind: 'refused', message: '127.0.0.2 is a loopback address' },
      0,
      3,
      {
        kind: 'fail',
        reason: 'not retryable: the webhook resolves to an address webhooks may not reach',
      },
    ],
    [
      'a webhook that is gone fails at once and disables its task, whatever retries are left',
      { kind: 'http-error', httpStatus: 410, gone: 'the webhook answered HTTP 410 Gone' },
      0,
      3,
      {
        kind: 'fail',
        reason: 'not retryable: the webhook is gone, and its task is disabled',
        disable: 'the webhook answered HTTP 410 Gone',
      },
    ],
    ['408 is retryable', http(408), 1, 3, { kind: 'retry', delayMs: 2000 }],
    ['429 without Retry-After uses the backoff', http(429), 0, 3, { kind: 'retry', delayMs: 1000 }],
    ['429 waits its longer Retry-After', http(429, 30_000), 0, 3, { kind: 'retry', delayMs: 30_000 }],
    ['429 keeps the backoff when it is longer', http(429, 500), 2, 3, { kind: 'retry', delayMs: 4000 }],
    ['503 honours Retry-After too', http(503, 5000), 0, 3, { kind: 'retry', delayMs: 5000 }],
    [
      'a huge Retry-After is capped',
      http(429, 365 * 24 * 3600 * 1000),
      0,
      3,
      { kind: 'retry', delayMs: MAX_RETRY_AFTER_MS },
    ],
    [
      '429 with no retry left gives up',
      http(429, 1000),
      2,
      2,
      { kind: 'fail', reason: 'gave up after 3 attempts' },
    ],
    ['network error retries', refused, 0, 3, { kind: 'retry', delayMs: 1000 }],
    [
      'network error with no retry left gives up, naming the error',
      refused,
      3,
      3,
      {
        kind: 'fail',
        reason: 'gave up after 4 attempts',
      },
    ],
    ['timeout retries', timeout, 1, 2, { kind: 'retry', delayMs: 2000 }],
    [
      'timeout with no retry left gives up',
      timeout,
      2,
      2,
      { kind: 'fail', reason: 'gave up after 3 attempts' },
    ],
    [
      '404 fails at once, whatever is left',
      http(404),
      0,
      10,
      { kind: 'fail', reason: 'not retryable: the webhook refused the request' },
    ],
    [
      '400 fails at once',
      http(400),
      0,
      3,
      { kind: 'fail', reason: 'not retryable: the webhook refused the request' },
    ],
    [
      '401 fails at once',
      http(401),
      1,
      3,
      { kind: 'fail', reason: 'not retryable: the webhook refused the request' },
    ],
    [
      '410 fails at once',
      http(410),
      0,
      3,
      { kind: 'fail', reason: 'not retryable: the webhook refused the request' },
    ],
    [
      '422 fails at once',
      http(422),
      0,
      3,
      { kind: 'fail', reason: 'not retryable: the webhook refused the request' },
    ],
    [
      '301 fails at once: redirects are not followed',
      http(301),
      0,
      3,
      {
        kind: 'fail',
        reason: 'not retryable: the webhook answered with a redirect, and redirects are not followed',
      },
    ],
    [
      '307 fails at once',
      http(307),
      0,
      3,
      {
        kind: 'fail',
        reason: 'not retryable: the webhook answered with a redirect, and redirects are not followed',
      },
    ],
  ])('%s', (_name, outcome, retryCount, maxRetry, decision) => {
    expect(decideRetry(outcome, retryCount, maxRetry, BASE)).toEqual(decision);
  });

  it('giving up counts every attempt of the run: those a 429/503 answered spent no retry, and are said so', () => {
    // max_retry 1: two attempts spent retries, after ten 503s that did not.
    expect(decideRetry(http(503), 1, 1, 1000, 10)).toEqual({
      kind: 'fail',
      reason: 'gave up after 12 attempts (10 of them answered 429 or 503 and spent no retry)',
    });
    expect(decideRetry(timeout, 1, 1, 1000, 0)).toEqual({ kind: 'fail', reason: 'gave up after 2 attempts' });
  });
});

describe('backoffDelayMs', () => {
  it.each([
    [0, 1000],
    [1, 2000],
    [2, 4000],
    [3, 8000],
    [10, 1_024_000],
  ])('retry count %i waits %i ms with a 1 s base', (retryCount, delay) => {
    expect(backoffDelayMs(retryCount, 1000)).toBe(delay);
  });

  it('scales with the base', () => {
    expect(backoffDelayMs(2, 250)).toBe(1000);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2015-10-21T07:27:00Z');

  it.each<[string | undefined, number | undefined]>([
    ['120', 120_000],
    [' 5 ', 5000],
    ['0', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000],
    ['Wed, 21 Oct 2015 07:20:00 GMT', 0], // in the past
    ['Wednesday, 21-Oct-15 07:28:30 GMT', 90_000], // RFC 850
    ['Wed Oct 21 07:29:00 2015', 120_000], // asctime
    ['Wed Oct  1 07:29:00 2015', 0], // asctime, padded day, in the past
    [undefined, undefined],
    ['', undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    ['2015-10-21T07:28:00Z', undefined],
    ['Wed, 31 Feb 2015 07:28:00 GMT', undefined],
    ['Wed, 21 Foo 2015 07:28:00 GMT', undefined],
  ])('%j → %s', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('decideRateLimited', () => {
  const answer = (httpStatus: number) => ({ kind: 'http-error' as const, httpStatus });
  it('a 429 or 503 waits for its hold, or the backoff, without spending a retry', () => {
    expect(decideRateLimited(answer(429), 0, 1500, 1000)).toEqual({ kind: 'wait', delayMs: 1500 });
    expect(decideRateLimited(answer(503), 2, undefined, 1000)).toEqual({ kind: 'wait', delayMs: 4000 });
  });
  it('past ten of them, or for another answer, it is an ordinary failure', () => {
    expect(decideRateLimited(answer(429), MAX_FREE_RATE_LIMITED, 1500, 1000)).toBeUndefined();
    expect(decideRateLimited(answer(500), 0, 1500, 1000)).toBeUndefined();
    expect(decideRateLimited({ kind: 'timeout', timeoutMs: 1 }, 0, undefined, 1000)).toBeUndefined();
  });
});
