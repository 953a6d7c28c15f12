import { afterAll, beforeAll, expect, test } from 'vitest';
import { API_KEY, errorShape, type RunningApi, startApi } from './api-harness';
import { rawExchange } from './raw-http';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const host = 'Host: 127.0.0.1\r\n';
const key = `X-API-KEY: ${API_KEY}\r\n`;

test.each([
  ['headers over 16 KB', 431, `GET /api/tasks HTTP/1.1\r\n${host}${key}X-Big: ${'a'.repeat(17_000)}\r\n\r\n`],
  ['a request line that is not HTTP', 400, 'HELLO THERE\r\n\r\n'],
  ['a NUL in the path', 400, `GET /api/ta\u0000sks HTTP/1.1\r\n${host}\r\n`],
  ['a space in the path', 400, `GET /api/ta sks HTTP/1.1\r\n${host}\r\n`],
  [
    'two Content-Lengths',
    400,
    `POST /api/tasks HTTP/1.1\r\n${host}${key}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
  ],
  [
    'Transfer-Encoding with Content-Length',
    400,
    `POST /api/tasks HTTP/1.1\r\n${host}${key}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
  ],
  ['HTTP/1.1 without Host', 400, `GET /api/tasks HTTP/1.1\r\n${key}Connection: close\r\n\r\n`],
])('%s: %i in the error shape', async (_name, status, request) => {
  const response = await rawExchange(api.url, Buffer.from(request, 'latin1'));
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
});

test('OPTIONS without preflight headers is not answered with a plain-text 400', async () => {
  const response = await fetch(`${api.url}/api/tasks`, { method: 'OPTIONS' });
  expect(response.status).toBe(204);
  expect(await response.text()).toBe('');
});

test('after all that, the API still serves', async () => {
  expect((await api.request('GET', '/api/tasks')).status).toBe(200);
});
