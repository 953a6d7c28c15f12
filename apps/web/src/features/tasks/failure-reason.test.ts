import { describe, expect, it } from 'vitest';
import { taskLog } from '../../test/fixtures';
import { failureReason } from './failure-reason';

const failed = (http_status: number | null, retry_count: number) =>
  taskLog({ status: 'failed', http_status, retry_count, message: 'whatever the webhook said' });

describe('failureReason', () => {
  it.each([
    [
      'a refused request fails at once',
      3,
      [failed(404, 0)],
      'HTTP 404 — not retryable: the webhook refused the request.',
    ],
    [
      'a redirect is not followed',
      3,
      [failed(301, 0)],
      'HTTP 301 — not retryable: the webhook answered with a redirect, and redirects are not followed.',
    ],
    [
      'a 500 on every attempt uses up the retries',
      2,
      [failed(500, 2), failed(500, 1)],
      'HTTP 500 — gave up after 3 attempts.',
    ],
    ['no answer on every attempt', 0, [failed(null, 0)], 'No HTTP answer — gave up after 1 attempt.'],
    ['retries raised since the run ended', 5, [failed(500, 2)], 'HTTP 500 at attempt 3.'],
    ['no attempt recorded', 3, [], 'Its last run failed.'],
  ])('%s', (_, max_retry, logs, expected) => {
    expect(failureReason({ max_retry, logs })).toBe(expected);
  });
});
