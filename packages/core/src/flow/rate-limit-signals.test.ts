import { describe, expect, it } from 'vitest';
import { readRateLimitSignals } from './rate-limit-signals';

const now = new Date('2026-12-07T12:00:00Z');
const answer = (httpStatus: number, headers: Record<string, string | undefined> = {}, body = '') => ({
  httpStatus,
  headers,
  body,
});

describe('readRateLimitSignals: holds', () => {
  it.each([
    ['Retry-After seconds', answer(429, { 'retry-after': '3' }), 3000],
    ['Retry-After fractional', answer(503, { 'retry-after': '1.5' }), 1500],
    ['Retry-After HTTP date', answer(429, { 'retry-after': 'Mon, 07 Dec 2026 12:00:10 GMT' }), 10_000],
    [
      'Discord body, preferred to the rounded header',
      answer(
        429,
        { 'retry-after': '2' },
        '{"message":"You are being rate limited.","retry_after":1.234,"global":false}',
      ),
      1234,
    ],
  ])('%s holds', (_name, given, ms) => {
    expect(readRateLimitSignals(given, now).hold).toMatchObject({ ms, global: false, capped: false });
  });

  it.each([
    ['negative', answer(429, { 'retry-after': '-5' })],
    ['not a number', answer(429, { 'retry-after': 'soon' })],
    ['NaN', answer(429, { 'retry-after': 'NaN' })],
    ['an HTTP date in the past', answer(429, { 'retry-after': 'Mon, 07 Dec 2026 11:00:00 GMT' })],
    ['zero', answer(429, { 'retry-after': '0' })],
    ['a negative retry_after', answer(429, {}, '{"retry_after":-1}')],
    ['on a 2xx', answer(200, { 'retry-after': '30' })],
    ['on a 500', answer(500, { 'retry-after': '30' })],
    ['none at all', answer(429)],
  ])('%s holds nothing', (_name, given) => {
    expect(readRateLimitSignals(given, now).hold).toBeUndefined();
  });

  it('an absurd Retry-After is cut to an hour, and says so', () => {
    expect(readRateLimitSignals(answer(429, { 'retry-after': '31536000' }), now).hold).toMatchObject({
      ms: 3_600_000,
      capped: true,
    });
  });

  it("Discord's global flag, in the body or the header", () => {
    const body = '{"message":"You are being rate limited.","retry_after":0.5,"global":true}';
    expect(readRateLimitSignals(answer(429, {}, body), now).hold).toMatchObject({ ms: 500, global: true });
    expect(
      readRateLimitSignals(answer(429, { 'retry-after': '1', 'x-ratelimit-global': 'true' }), now).hold,
    ).toMatchObject({ ms: 1000, global: true });
  });
});

describe('readRateLimitSignals: bucket', () => {
  it('reads the bucket headers on a 2xx', () => {
    const signals = readRateLimitSignals(
      answer(204, {
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': '1.75',
      }),
      now,
    );
    expect(signals).toEqual({ bucket: { limit: 5, remaining: 0, resetAfterMs: 1750 } });
  });

  it('falls back on X-RateLimit-Reset (epoch seconds)', () => {
    const reset = String(now.getTime() / 1000 + 2.5);
    expect(
      readRateLimitSignals(
        answer(200, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': reset }),
        now,
      ).bucket,
    ).toEqual({ limit: 5, remaining: 3, resetAfterMs: 2500 });
  });

  it('Reset-After without Remaining: 0 is knowledge, not a hold', () => {
    const signals = readRateLimitSignals(
      answer(200, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '2' }),
      now,
    );
    expect(signals.hold).toBeUndefined();
    expect(signals.bucket).toEqual({ limit: 5, remaining: 4, resetAfterMs: 2000 });
  });

  it.each([
    { 'x-ratelimit-limit': 'five', 'x-ratelimit-remaining': '1' },
    { 'x-ratelimit-limit': '0', 'x-ratelimit-remaining': '0' },
    { 'x-ratelimit-remaining': '1' },
    { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '-1' },
  ])('ignores bad bucket headers %j', (headers) => {
    expect(readRateLimitSignals(answer(200, headers), now).bucket).toBeUndefined();
  });
});
