import http from 'node:http';
import { testRedis, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi } from './api-harness';

const LIMIT = 4;
let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ env: () => ({ AUTH_FAILURES_PER_MINUTE: String(LIMIT) }) });
});
afterAll(async () => api?.stop());

/** GET with the right key, sent from `localAddress` (127.0.0.2 is this machine, seen as another client). */
function getFrom(localAddress: string, route: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${api.url}${route}`,
      { localAddress, headers: { 'x-api-key': key } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.once('error', reject);
  });
}

test(`AUTH_FAILURES_PER_MINUTE=${LIMIT}: past ${LIMIT} refused keys from one address, it gets 429 RATE_LIMITED with Retry-After, the right key included; other addresses do not`, async () => {
  // Refusals are counted in Redis, and not while the API cannot reach it (as just after its
  // start, on a busy machine): wait until it does.
  await waitFor(
    'the API to reach Redis',
    async () => (await api.request<{ redis: string }>('GET', '/health', { key: null })).body.redis === 'ok',
  );
  const refused = [
    await api.request('GET', '/api/tasks', { key: null }),
    await api.request('GET', '/api/tasks', { key: 'wrong-key-0123456789' }),
    await api.request('POST', '/api/tasks', { key: null, body: {} }),
    await api.request('GET', '/api/logs', { key: 'another-wrong-key-0123' }),
  ];
  expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401]);

  const limited = await api.request<ApiErrorBody>('GET', '/api/tasks', { key: 'one-more-guess-0123456' });
  expect(limited.status).toBe(429);
  expect(limited.body).toEqual(errorShape('RATE_LIMITED'));
  expect(limited.body.error.message).toMatch(/missing or wrong X-API-KEY .*at most 4 per minute/);
  const retryAfter = Number(limited.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // A guesser must not learn that a guess is right.
  expect((await api.request('GET', '/api/tasks')).status).toBe(429);
  // The public routes stay open.
  expect((await api.request('GET', '/health', { key: null })).status).toBe(200);

  // Another client address is not held back.
  expect(await getFrom('127.0.0.2', '/api/tasks', 'test-api-key-0123456789abcdef')).toBe(200);
  expect(await getFrom('127.0.0.2', '/api/tasks', 'wrong-key-0123456789')).toBe(401);
  await api.process.waitForOutput(/127\.0\.0\.1 sent 4 requests with a missing or wrong X-API-KEY/, 5000);

  // Counted in Redis under the deployment prefix, per address.
  const redis = testRedis();
  try {
    expect((await redis.keys(`${api.prefix}:auth-failures:*`)).sort()).toEqual([
      `${api.prefix}:auth-failures:127.0.0.1`,
      `${api.prefix}:auth-failures:127.0.0.2`,
    ]);
  } finally {
    await redis.quit();
  }
});
