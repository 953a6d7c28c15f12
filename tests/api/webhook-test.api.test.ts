import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDiscordReceiver, type DiscordReceiver } from '@scheduler/test-support';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi } from './api-harness';

/**
 * SPEC §14 "Test a webhook": POST /api/webhooks/test makes one request now through the
 * delivery checks and client, and answers what came back; nothing is recorded. Receivers
 * listen on 127.0.0.1 (allowed); the refused target is 127.0.0.2, left off the allow list.
 */
interface Received {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
interface TestResult {
  http_status: number | null;
  execution_time: number;
  response: string | null;
  error: string | null;
}

let api: RunningApi;
let receiver: http.Server;
let origin: string;
const received: Received[] = [];
let forbidden: http.Server;
let forbiddenPort: number;
let forbiddenConnections = 0;
let discord: DiscordReceiver;

beforeAll(async () => {
  api = await startApi();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url === '/slow') return; // never answers: the test's timeout ends it
      if (req.url === '/broken') res.writeHead(500, { 'content-type': 'text/plain' }).end('database on fire');
      else if (req.url === '/big') res.writeHead(200).end('x'.repeat(10_000));
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  forbidden = http.createServer((_req, res) => res.end());
  forbidden.on('connection', () => (forbiddenConnections += 1));
  await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.2', resolve));
  forbiddenPort = (forbidden.address() as AddressInfo).port;
  discord = await startDiscordReceiver();
});
afterAll(async () => {
  for (const server of [receiver, forbidden]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  await discord?.close();
  await api?.stop();
});
beforeEach(() => {
  received.length = 0;
});

const sendTest = (body: unknown) => api.request<TestResult>('POST', '/api/webhooks/test', { body });

describe('POST /api/webhooks/test', () => {
  test('sends one request now and answers its status, time and body; records nothing', async () => {
    const response = await sendTest({ webhook_url: `${origin}/hook`, json_payload: { text: 'ping' } });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      http_status: 200,
      execution_time: expect.any(Number) as unknown,
      response: '{"ok":true}',
      error: null,
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hook', body: '{"text":"ping"}' });
    expect(received[0]?.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    // No signature without a task: there is no secret to sign with.
    expect(received[0]?.headers['webhook-signature']).toBeUndefined();
    const runs = await api.request<{ meta: { total: number } }>('GET', '/api/runs');
    expect(runs.body.meta.total).toBe(0);
  });

  test('with task_id: signed with its secret, its templates rendered, its masked header values kept', async () => {
    const task = await api.createTask({
      task_name: 'Tested',
      timezone: 'Asia/Kolkata',
      webhook_url: `${origin}/hook`,
      headers: { Authorization: 'Bearer stored-token-1234' },
    });
    const { body: secret } = await api.request<{ signing_secret: string }>(
      'GET',
      `/api/tasks/${task.id}/secret`,
    );
    const before = Date.now();

    const response = await sendTest({
      webhook_url: `${origin}/hook`,
      json_payload: {
        text: '{{task_name}} #{{attempt}} {{trigger}} at <t:{{scheduled_for_unix}}>',
        id: '{{run_id}}',
      },
      http_method: 'PUT',
      // As the edit form sends it back: masked.
      headers: task.headers,
      task_id: task.id,
    });

    expect(response.status).toBe(200);
    const request = received[0];
    expect(request?.method).toBe('PUT');
    expect(request?.headers.authorization).toBe('Bearer stored-token-1234');
    const payload = new Webhook(secret.signing_secret).verify(
      request?.body ?? '',
      request?.headers ?? {},
    ) as {
      text: string;
      id: string;
    };
    const unix = Number(/<t:(\d+)>/.exec(payload.text)?.[1]);
    expect(payload.text).toBe(`Tested #1 manual at <t:${unix}>`);
    expect(unix).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(unix).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(payload.id).toBe(request?.headers['webhook-id']);
  });

  test('an answer other than 2xx is answered 200 with its status, body and an error', async () => {
    const response = await sendTest({ webhook_url: `${origin}/broken`, json_payload: {} });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      http_status: 500,
      response: 'database on fire',
      error: 'HTTP 500: the webhook did not accept it',
    });
  });

  test('a long answer is cut to its first 4 KiB', async () => {
    const response = await sendTest({ webhook_url: `${origin}/big`, json_payload: {} });

    expect(response.body.http_status).toBe(200);
    expect(response.body.response).toBe('x'.repeat(4096));
  });

  test('no answer within timeout_ms: no status, the timeout as error', async () => {
    const response = await sendTest({ webhook_url: `${origin}/slow`, json_payload: {}, timeout_ms: 1000 });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      http_status: null,
      response: null,
      error: 'timed out after 1000 ms',
    });
    expect(response.body.execution_time).toBeGreaterThanOrEqual(950);
  });

  test('a Discord webhook: checked as Discord would, and answered with its status', async () => {
    const url = discord.webhookUrl('5550001');
    const refused = await api.request<ApiErrorBody>('POST', '/api/webhooks/test', {
      body: { webhook_url: url, json_payload: { content: 'hi', username: 'my clyde bot' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details['json_payload.username']).toMatch(/contains "clyde"/);
    expect(discord.requests).toHaveLength(0);

    const sent = await sendTest({ webhook_url: url, json_payload: { content: 'Test message' } });
    expect(sent.body).toMatchObject({ http_status: 204, response: '', error: null });
    expect(discord.requests.map((request) => request.body)).toEqual([{ content: 'Test message' }]);
  });

  test('through flow control: a 429 holds the destination, and a test meanwhile is not sent', async () => {
    const webhookId = '5550002';
    discord.answerNext(webhookId, 1, {
      status: 429,
      headers: { 'retry-after': '60' },
      body: { message: 'You are being rate limited.', retry_after: 60, global: false },
    });
    const url = discord.webhookUrl(webhookId);

    const limited = await sendTest({ webhook_url: url, json_payload: { content: 'first' } });
    expect(limited.body).toMatchObject({
      http_status: 429,
      error: 'HTTP 429: the webhook did not accept it',
    });

    const held = await sendTest({ webhook_url: url, json_payload: { content: 'second' } });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ http_status: null, response: null });
    expect(held.body.error).toMatch(
      new RegExp(`^not sent: discord:${webhookId} is waited for until \\d{4}-.*Z \\(.*\\); try again then$`),
    );
    expect(discord.requests.filter((request) => request.webhookId === webhookId)).toHaveLength(1);
    expect(discord.violations(webhookId)).toBe(0);
  });

  test('a refused target: 400 naming the address class, no connection made', async () => {
    for (const webhookUrl of [
      `http://127.0.0.2:${forbiddenPort}/hook`,
      `http://0x7f000002:${forbiddenPort}/`,
    ]) {
      const response = await api.request<ApiErrorBody>('POST', '/api/webhooks/test', {
        body: { webhook_url: webhookUrl, json_payload: {} },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
      expect(response.body.error.details.webhook_url).toMatch(/127\.0\.0\.2 is a loopback address/);
    }
    expect(forbiddenConnections).toBe(0);
  });

  const known =
    'scheduled_for, scheduled_for_unix, scheduled_for_local, task_id, task_name, run_id, attempt, trigger';
  test.each([
    ['no webhook_url', { webhook_url: undefined, json_payload: {} }, 'webhook_url', /expected/],
    [
      'a URL that is not http(s)',
      { webhook_url: 'ftp://127.0.0.1/x', json_payload: {} },
      'webhook_url',
      /http/,
    ],
    [
      'an unknown placeholder',
      { json_payload: { text: '{{when}}' } },
      'json_payload',
      new RegExp(`\\{\\{when\\}\\} is not a known placeholder: expected one of ${known}`),
    ],
    ['an unclosed placeholder', { json_payload: { text: '{{task_name' } }, 'json_payload', /is not closed/],
    ['a body with GET', { http_method: 'GET', json_payload: { a: 1 } }, 'json_payload', /GET sends no body/],
    [
      'a method not in the list',
      { http_method: 'TRACE', json_payload: {} },
      'http_method',
      /expected one of POST/,
    ],
    ['a forbidden header', { json_payload: {}, headers: { Host: 'x' } }, 'headers.Host', /Host/],
    ['timeout_ms too small', { json_payload: {}, timeout_ms: 10 }, 'timeout_ms', /1000/],
    ['timeout_ms over the maximum', { json_payload: {}, timeout_ms: 3_600_000 }, 'timeout_ms', /at most/],
    ['a task_id that is no UUID', { json_payload: {}, task_id: 'nope' }, 'task_id', /UUID/],
    [
      'a task_id of no task',
      { json_payload: {}, task_id: '00000000-0000-4000-8000-000000000000' },
      'task_id',
      /no task has the id/,
    ],
    ['an unknown field', { json_payload: {}, run_id: 'x' }, 'run_id', /webhook_url/],
  ])('%s: 400 naming the field, no request', async (_what, body, field, message) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/webhooks/test', {
      body: { webhook_url: `${origin}/hook`, ...body },
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
    expect(Object.keys(response.body.error.details)).toContain(field);
    expect(response.body.error.details[field]).toMatch(message);
    expect(received).toHaveLength(0);
  });
});

test('sent the moment the API has started: it waits for the Redis connection being made, then sends', async () => {
  // The API listens before its Redis connection is ready; flow control needs it. Without
  // the wait, the first test request after a start answered 503 (seen in CI under load).
  const fresh = await startApi();
  try {
    const response = await fresh.request<TestResult>('POST', '/api/webhooks/test', {
      body: { webhook_url: `${origin}/hook`, json_payload: { text: 'first' } },
    });
    expect(response.status).toBe(200);
    expect(response.body.http_status).toBe(200);
    expect(received.map((request) => request.body)).toContain('{"text":"first"}');
  } finally {
    await fresh.stop();
  }
});
