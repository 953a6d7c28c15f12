import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi } from './api-harness';

let api: RunningApi;
let limited: RunningApi;

beforeAll(async () => {
  [api, limited] = await Promise.all([startApi(), startApi({ env: () => ({ API_RATE_LIMIT: '5' }) })]);
});
afterAll(async () => Promise.all([api?.stop(), limited?.stop()]));

const protectedRoutes: [string, string][] = [
  ['GET', '/api/tasks'],
  ['POST', '/api/tasks'],
  ['GET', '/api/tasks/00000000-0000-0000-0000-000000000000'],
  ['PATCH', '/api/tasks/00000000-0000-0000-0000-000000000000'],
  ['DELETE', '/api/tasks/00000000-0000-0000-0000-000000000000'],
  ['POST', '/api/tasks/00000000-0000-0000-0000-000000000000/toggle'],
  ['POST', '/api/tasks/00000000-0000-0000-0000-000000000000/execute'],
  ['GET', '/api/tasks/00000000-0000-0000-0000-000000000000/logs'],
  ['GET', '/api/logs'],
  ['GET', '/api/dashboard/stats'],
];

describe('X-API-KEY', () => {
  test.each(protectedRoutes)('%s %s without a key: 401 UNAUTHORIZED', async (method, route) => {
    const response = await api.request<ApiErrorBody>(method, route, { key: null });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(errorShape('UNAUTHORIZED'));
    expect(response.body.error.message).toMatch(/Missing X-API-KEY/);
  });

  test.each([
    ['a wrong key of the same length', 'test-api-key-0123456789abcdeX'],
    ['a prefix of the key', 'test-api-key'],
    ['a longer key', 'test-api-key-0123456789abcdef-and-more'],
  ])('%s: 401 UNAUTHORIZED', async (_name, key) => {
    const response = await api.request<ApiErrorBody>('GET', '/api/tasks', { key });
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/Wrong X-API-KEY/);
  });

  test('the right key passes', async () => {
    expect((await api.request('GET', '/api/tasks')).status).toBe(200);
  });

  test.each([['/health'], ['/api/docs'], ['/api/docs-json']])('%s needs no key', async (route) => {
    expect((await api.request('GET', route, { key: null })).status).toBe(200);
  });
});

describe('rate limit (API_RATE_LIMIT=5 per minute)', () => {
  test('the 6th request in a minute is refused with 429 RATE_LIMITED and Retry-After; health is not counted', async () => {
    for (let i = 1; i <= 5; i++) {
      const response = await limited.request('GET', '/api/tasks');
      expect(response.status, `request ${i}`).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(5 - i));
    }
    const refused = await limited.request<ApiErrorBody>('GET', '/api/logs');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(errorShape('RATE_LIMITED'));
    expect(refused.body.error.message).toMatch(/at most 5 per minute/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await limited.request('GET', '/health', { key: null })).status).toBe(200);
    // A wrong key is refused as such, not counted against the real key.
    expect((await limited.request('GET', '/api/tasks', { key: 'not-the-key-at-all' })).status).toBe(401);
  });

  test('the count lives in Redis under the deployment prefix', async () => {
    const { testRedis } = await import('@scheduler/test-support');
    const redis = testRedis();
    try {
      const keys = await redis.keys(`${limited.prefix}:rate-limit:*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain('test-api-key');
    } finally {
      await redis.quit();
    }
  });
});

describe('CORS for CORS_ORIGIN', () => {
  test('a preflight from the dashboard is allowed, X-API-KEY included', async () => {
    const response = await fetch(`${api.url}/api/tasks`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://dashboard.test',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'x-api-key,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
  });

  test('responses, errors included, carry the origin; other origins get none', async () => {
    const ok = await api.request('GET', '/api/tasks', { headers: { origin: 'http://dashboard.test' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    const unauthorized = await api.request('GET', '/api/tasks', {
      key: null,
      headers: { origin: 'http://dashboard.test' },
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    const other = await api.request('GET', '/api/tasks', { headers: { origin: 'http://evil.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
