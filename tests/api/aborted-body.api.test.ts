import net from 'node:net';
import { waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { API_KEY, type RunningApi, startApi } from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

test('a client that aborts its body half-way is logged as such, not as a PostgreSQL outage', async () => {
  const { port } = new URL(api.url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: ${API_KEY}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"task_name": "half',
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.resetAndDestroy();

  await waitFor(
    'the API to log the aborted request',
    async () => /client closed the connection before its body arrived/.test(api.process.output()),
    5000,
  );
  expect(api.process.output()).not.toMatch(/PostgreSQL/);
  expect((await api.request('GET', '/health', { key: null })).status).toBe(200);
});
