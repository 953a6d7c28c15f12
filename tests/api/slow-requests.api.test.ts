import { afterAll, beforeAll, expect, test } from 'vitest';
import { API_KEY, errorShape, type RunningApi, startApi } from './api-harness';
import { rawExchange } from './raw-http';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const slowPost = (extraHeaders: string) =>
  `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`;

test.concurrent(
  'a body trickled a byte every 2 s: 408 in the error shape after 30 s, and the connection closes',
  async () => {
    const response = await rawExchange(api.url, slowPost(`X-API-KEY: ${API_KEY}\r\n`), {
      trickle: { chunk: ' ', everyMs: 2000 },
      waitMs: 45_000,
    });
    expect(response.status, response.text).toBe(408);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(response.closed).toBe(true);
    expect(response.elapsedMs).toBeGreaterThanOrEqual(29_000);
    expect(response.elapsedMs).toBeLessThan(35_000);
  },
);

test.concurrent('headers trickled a line every 2 s: 408 after 30 s, and the connection closes', async () => {
  const response = await rawExchange(api.url, 'GET /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n', {
    trickle: { chunk: 'X-Slow: 1\r\n', everyMs: 2000 },
    waitMs: 45_000,
  });
  expect(response.status, response.text).toBe(408);
  expect(response.closed).toBe(true);
  expect(response.elapsedMs).toBeLessThan(35_000);
});

test('refused without a key while its body is still coming: 401, and the connection closes at once', async () => {
  const response = await rawExchange(api.url, slowPost(''), {
    trickle: { chunk: ' ', everyMs: 500 },
    waitMs: 5000,
  });
  expect(response.status).toBe(401);
  expect(response.headers.connection).toBe('close');
  expect(response.body).toEqual(errorShape('UNAUTHORIZED'));
  expect(response.closed).toBe(true);
  expect(response.elapsedMs).toBeLessThan(3000);
});
