import net from 'node:net';
import { EXAMPLE_API_KEY } from '@scheduler/config';
import { baseEnv, freePort, startProcess } from '@scheduler/test-support';
import { expect, test } from 'vitest';
import { apiMain, startApi } from './api-harness';

/** Whether a TCP connection to host:port is accepted (127.0.0.2 is this machine too, but not 127.0.0.1). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const portOf = (url: string) => Number(new URL(url).port);

test('API_HOST of .env.example (127.0.0.1): the API listens there and on no other address', async () => {
  const api = await startApi();
  try {
    expect(api.process.output()).toContain(`API listening on http://127.0.0.1:${portOf(api.url)}`);
    expect(await accepts('127.0.0.1', portOf(api.url))).toBe(true);
    expect(await accepts('127.0.0.2', portOf(api.url))).toBe(false);
  } finally {
    await api.stop();
  }
});

test('API_HOST=0.0.0.0 with a key of its own: the API listens on every interface', async () => {
  const api = await startApi({ env: () => ({ API_HOST: '0.0.0.0' }) });
  try {
    expect(await accepts('127.0.0.2', portOf(api.url))).toBe(true);
  } finally {
    await api.stop();
  }
});

test.each(['0.0.0.0', '::'])(
  'API_HOST=%s with the example key of .env.example: the API refuses to start, saying how to make a key',
  async (host) => {
    const port = await freePort();
    // It stops before connecting to anything: the storage of .env.example is never touched.
    const env = baseEnv({ API_HOST: host, API_PORT: String(port), API_KEY: EXAMPLE_API_KEY });
    const child = startProcess('api', apiMain, [], env);

    expect(await child.exited).toBe(2);
    expect(child.output()).toMatch(/API_HOST=.* API_KEY is the public example key/);
    expect(child.output()).toContain('openssl rand -hex 32');
    expect(child.output()).not.toMatch(/API listening/);
    expect(await accepts('127.0.0.1', port)).toBe(false);
  },
);
