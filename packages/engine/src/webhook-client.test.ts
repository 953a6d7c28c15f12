import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseAllowList } from '@scheduler/core';
import { Webhook } from 'standardwebhooks';
import { freePort } from '@scheduler/test-support';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LookupFunction } from './safe-connector';
import { MESSAGE_CAP_BYTES, WebhookClient } from './webhook-client';

/** The receivers listen on 127.0.0.1, which tests allow; 127.0.0.2 (loopback too) stands for a refused target. */
const allowList = parseAllowList(['127.0.0.1']);

interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real receiver: each path answers in its own way, and every request and connection is counted. */
let server: http.Server;
let base: string;
let received: ReceivedRequest[] = [];
let connections = 0;

const routes: Record<string, (res: http.ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(201, { 'content-type': 'text/plain' }).end('thanks'),
  '/big': (res) => res.writeHead(200).end('a'.repeat(MESSAGE_CAP_BYTES) + 'b'.repeat(6000)),
  '/redirect': (res) => res.writeHead(302, { location: `${base}/target` }).end('moved'),
  '/target': (res) => res.writeHead(200).end('followed'),
  '/boom': (res) => res.writeHead(500).end('database on fire'),
  '/busy': (res) => res.writeHead(429, { 'retry-after': '3' }).end(),
  '/paced': (res) =>
    res
      .writeHead(204, {
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': '1.5',
        'retry-after': '30',
      })
      .end(),
  '/hang': () => undefined,
  '/api/webhooks/1/token?wait=true': (res) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"id":"1180000000000000001","content":"hi"}'),
  '/api/webhooks/1/token': (res) => res.writeHead(204).end(),
  '/trickle': (res) => {
    res.writeHead(200);
    res.write('partial');
  },
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const route = routes[req.url ?? ''];
      if (route) route(res);
      else res.writeHead(404).end();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let client: WebhookClient;

beforeEach(() => {
  received = [];
  connections = 0;
  client = new WebhookClient(5_000, { allowList });
});

afterEach(async () => {
  await client.close();
});

describe('WebhookClient.post', () => {
  it('delivers a 2xx: the JSON body is sent as is and the response becomes the message', async () => {
    const payload = { content: 'Hello from the scheduler', nested: { n: [1, 2, 3] }, unicode: 'é✓' };

    const delivery = await client.post(`${base}/ok`, payload);

    expect(delivery).toEqual({
      signals: {},
      outcome: { kind: 'delivered', httpStatus: 201 },
      message: 'thanks',
      body: 'thanks',
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/ok', body: JSON.stringify(payload) });
    expect(received[0]?.headers['content-type']).toBe('application/json');
  });

  it('posts an array payload as a JSON array', async () => {
    await client.post(`${base}/ok`, [{ a: 1 }, 'two']);

    expect(received[0]?.body).toBe('[{"a":1},"two"]');
  });

  it('keeps only the first 4 KiB of a long response body', async () => {
    const delivery = await client.post(`${base}/big`, {});

    expect(delivery.outcome).toEqual({ kind: 'delivered', httpStatus: 200 });
    expect(Buffer.byteLength(delivery.message)).toBe(4096);
    expect(delivery.message).toBe('a'.repeat(4096));
  });

  it('does not follow a redirect: a 302 is an answer', async () => {
    const delivery = await client.post(`${base}/redirect`, { x: 1 });

    expect(delivery.outcome).toEqual({ kind: 'http-error', httpStatus: 302 });
    expect(delivery.message).toBe('HTTP 302: moved');
    expect(received.map((r) => r.url)).toEqual(['/redirect']);
  });

  it('reports a 500 with its status and body', async () => {
    const delivery = await client.post(`${base}/boom`, {});

    expect(delivery.outcome).toEqual({ kind: 'http-error', httpStatus: 500 });
    expect(delivery.outcome).not.toHaveProperty('retryAfterMs');
    expect(delivery.message).toBe('HTTP 500: database on fire');
  });

  it("reads a 429's Retry-After seconds as the delay to wait", async () => {
    const delivery = await client.post(`${base}/busy`, {});

    expect(delivery.outcome).toEqual({ kind: 'http-error', httpStatus: 429, retryAfterMs: 3000 });
    expect(delivery.message).toBe('HTTP 429');
    expect(delivery.signals?.hold).toMatchObject({ ms: 3000, global: false });
  });

  it('reads bucket headers on a 2xx, and no hold from a Retry-After there', async () => {
    const delivery = await client.post(`${base}/paced`, {});

    expect(delivery.outcome).toEqual({ kind: 'delivered', httpStatus: 204 });
    expect(delivery.signals).toEqual({ bucket: { limit: 5, remaining: 0, resetAfterMs: 1500 } });
  });

  it('gives up on a receiver that never answers after the timeout', async () => {
    const quick = new WebhookClient(300, { allowList });
    try {
      const started = performance.now();
      const delivery = await quick.post(`${base}/hang`, {});
      const elapsed = performance.now() - started;

      expect(delivery.outcome).toEqual({ kind: 'timeout', timeoutMs: 300 });
      expect(delivery.message).toBe('timed out after 300 ms');
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      server.closeAllConnections();
      await quick.close();
    }
  });

  it('gives up on a receiver that sends headers but never finishes its body', async () => {
    const quick = new WebhookClient(300, { allowList });
    try {
      const started = performance.now();
      const delivery = await quick.post(`${base}/trickle`, {});

      expect(delivery.outcome).toEqual({ kind: 'timeout', timeoutMs: 300 });
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      server.closeAllConnections();
      await quick.close();
    }
  });

  it('reports a refused connection as a network error naming ECONNREFUSED', async () => {
    const closedPort = await freePort();

    const delivery = await client.post(`http://127.0.0.1:${closedPort}/webhook`, {});

    expect(delivery.outcome.kind).toBe('network-error');
    expect(delivery.message).toMatch(/ECONNREFUSED/);
    expect(delivery.outcome).toEqual({ kind: 'network-error', message: delivery.message });
  });

  it('reuses kept-alive connections for sequential deliveries', async () => {
    for (let i = 0; i < 20; i++) {
      const delivery = await client.post(`${base}/ok`, { i });
      expect(delivery.outcome.kind).toBe('delivered');
    }

    expect(received).toHaveLength(20);
    expect(connections).toBeGreaterThanOrEqual(1);
    expect(connections).toBeLessThanOrEqual(2);
  });
});

describe('WebhookClient: safe targets (SPEC §14)', () => {
  /** A receiver on 127.0.0.2, off the allow list: it must never see a connection. */
  let forbidden: http.Server;
  let forbiddenPort: number;
  let forbiddenConnections = 0;

  beforeAll(async () => {
    forbidden = http.createServer((_req, res) => res.writeHead(200).end('should not be reached'));
    forbidden.on('connection', () => forbiddenConnections++);
    await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.2', resolve));
    forbiddenPort = (forbidden.address() as AddressInfo).port;
  });

  afterAll(async () => {
    forbidden.closeAllConnections();
    await new Promise((resolve) => forbidden.close(resolve));
  });

  beforeEach(() => {
    forbiddenConnections = 0;
  });

  /** A DNS that answers `address` for every name: a rebinding attacker's, say. */
  const resolvesTo =
    (address: string): LookupFunction =>
    (_hostname, _options, callback) =>
      callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);

  it.each([
    ['an IPv4 literal', () => `http://127.0.0.2:${forbiddenPort}/ok`],
    ['its hex notation', () => `http://0x7f000002:${forbiddenPort}/ok`],
    ['its IPv4-mapped IPv6 form', () => `http://[::ffff:127.0.0.2]:${forbiddenPort}/ok`],
  ])('refuses %s off the allow list without connecting, naming the address class', async (_what, url) => {
    const delivery = await client.post(url(), { x: 1 });

    expect(delivery.outcome).toEqual({ kind: 'refused', message: delivery.message });
    expect(delivery.message).toMatch(
      /^refused: (127\.0\.0\.2|\[::ffff:7f00:2\] \(127\.0\.0\.2\)) is a loopback address/,
    );
    expect(forbiddenConnections).toBe(0);
  });

  it('checks the address a host name resolves to when connecting: a rebound name is refused', async () => {
    const rebound = new WebhookClient(5_000, { allowList, lookup: resolvesTo('127.0.0.2') });
    try {
      const delivery = await rebound.post(`http://hooks.example.test:${forbiddenPort}/ok`, {});

      expect(delivery.outcome.kind).toBe('refused');
      expect(delivery.message).toMatch(/127\.0\.0\.2 is a loopback address/);
      expect(forbiddenConnections).toBe(0);
    } finally {
      await rebound.close();
    }
  });

  it('delivers to a host name whose address the allow list covers', async () => {
    const resolved = new WebhookClient(5_000, { allowList, lookup: resolvesTo('127.0.0.1') });
    try {
      const delivery = await resolved.post(`${base.replace('127.0.0.1', 'hooks.example.test')}/ok`, {});

      expect(delivery.outcome).toEqual({ kind: 'delivered', httpStatus: 201 });
    } finally {
      await resolved.close();
    }
  });

  it('delivers to a host the allow list names, whatever it resolves to (a container name, say)', async () => {
    const named = new WebhookClient(5_000, {
      allowList: parseAllowList(['dummy-webhook']),
      lookup: resolvesTo('127.0.0.2'),
    });
    try {
      const delivery = await named.post(`http://dummy-webhook:${forbiddenPort}/ok`, {});

      expect(delivery.outcome).toEqual({ kind: 'delivered', httpStatus: 200 });
      expect(forbiddenConnections).toBe(1);
    } finally {
      await named.close();
    }
  });

  it('reaches nothing but public addresses without an allow list', async () => {
    const strict = new WebhookClient(5_000);
    try {
      const delivery = await strict.post(`${base}/ok`, {});

      expect(delivery.message).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
      expect(received).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});

describe('WebhookClient: Standard Webhooks signatures (SPEC §14)', () => {
  const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
  const runId = '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a';

  it('signs the body it sends with the run id and the time: standardwebhooks verifies it', async () => {
    const taskSecret = secret();
    const payload = { content: 'signed', n: [1, 2] };

    await client.post(`${base}/ok`, payload, { runId, signingSecrets: [taskSecret] });

    const request = received[0];
    expect(request?.headers['webhook-id']).toBe(runId);
    expect(Number(request?.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(
      new Webhook(taskSecret).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).toEqual(payload);
    expect(() =>
      new Webhook(secret()).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).toThrow(/No matching signature/);
  });

  it('signs with each secret given (a rotation): either verifies', async () => {
    const [current, previous] = [secret(), secret()];

    await client.post(`${base}/ok`, { x: 1 }, { runId, signingSecrets: [current, previous] });

    const headers = received[0]?.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const key of [current, previous]) {
      expect(new Webhook(key).verify(received[0]?.body ?? '', headers)).toEqual({ x: 1 });
    }
  });
});

describe('WebhookClient: request options (SPEC §14)', () => {
  it('sends the method and the task headers as given; its Content-Type replaces ours', async () => {
    await client.post(
      `${base}/ok`,
      { a: 1 },
      {
        method: 'PUT',
        headers: { Authorization: 'Bearer whole-token', 'Content-Type': 'application/vnd.x+json' },
      },
    );

    expect(received[0]).toMatchObject({ method: 'PUT', body: '{"a":1}' });
    expect(received[0]?.headers.authorization).toBe('Bearer whole-token');
    expect(received[0]?.headers['content-type']).toBe('application/vnd.x+json');
  });

  it.each(['GET', 'DELETE'] as const)('sends no body with %s', async (method) => {
    await client.post(`${base}/ok`, {}, { method });

    expect(received[0]).toMatchObject({ method, body: '' });
    expect(received[0]?.headers['content-type']).toBeUndefined();
  });

  it("gives up after the task's own timeout", async () => {
    try {
      const delivery = await client.post(`${base}/hang`, {}, { timeoutMs: 300 });

      expect(delivery.outcome).toEqual({ kind: 'timeout', timeoutMs: 300 });
    } finally {
      server.closeAllConnections();
    }
  });
});

describe('WebhookClient: Discord answers (SPEC §14)', () => {
  it('keeps the message id a Discord webhook answers with ?wait=true', async () => {
    const delivery = await client.post(`${base}/api/webhooks/1/token?wait=true`, { content: 'hi' });

    expect(delivery).toMatchObject({
      outcome: { kind: 'delivered', httpStatus: 200 },
      responseId: '1180000000000000001',
    });
  });

  it('has no message id without ?wait=true, nor for a webhook that is not Discord', async () => {
    expect((await client.post(`${base}/api/webhooks/1/token`, { content: 'hi' })).responseId).toBeUndefined();
    expect((await client.post(`${base}/ok`, { content: 'hi' })).responseId).toBeUndefined();
  });
});
