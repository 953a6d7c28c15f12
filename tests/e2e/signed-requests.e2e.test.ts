import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, test } from 'vitest';

/** SPEC §14: each request is signed as Standard Webhooks says; `standardwebhooks` (a receiver's library) verifies it. */
interface Received {
  headers: Record<string, string>;
  body: string;
}

let system: SystemUnderTest;
let receiver: http.Server;
let url: string;
const received: Received[] = [];
/** How many of the next requests the receiver answers 500 (to make a redelivery). */
let failNext = 0;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 200 });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString(),
      });
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(500).end('try again');
      } else if (req.url?.includes('wait=true')) {
        // A Discord-faithful answer to ?wait=true: the message it posted.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1180000000000000042"}');
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await system?.stop();
});

test('a request, its redelivery (same webhook-id) and a request after a rotation all verify', async () => {
  const task = await system.taskService.create({
    task_name: 'signed',
    task_schedule: '0 0 1 1 *',
    webhook_url: url,
    json_payload: { content: 'signed delivery' },
    max_retry: 2,
  });
  const secret = task.signing_secret;
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

  // A first attempt answered 500, then its redelivery.
  failNext = 1;
  const run = await system.taskService.runNow(task.id);
  await waitFor('the redelivery', async () => Promise.resolve(received.length >= 2));
  const [first, redelivery] = received;
  expect(first?.headers['webhook-id']).toBe(run.id);
  expect(redelivery?.headers['webhook-id']).toBe(run.id);
  for (const request of [first, redelivery]) {
    expect(new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {})).toEqual({
      content: 'signed delivery',
    });
  }
  await waitFor(
    'the run to end',
    async () => (await system.database.runs.findById(run.id))?.status === 'finish',
  );

  // After a rotation both secrets sign, for 24 h.
  const rotated = await system.taskService.rotateSecret(task.id);
  expect(rotated.signing_secret).not.toBe(secret);
  const next = await system.taskService.runNow(task.id);
  await waitFor('the request after the rotation', async () => Promise.resolve(received.length >= 3));
  const afterRotation = received[2];
  expect(afterRotation?.headers['webhook-id']).toBe(next.id);
  expect(afterRotation?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
  for (const key of [rotated.signing_secret, secret]) {
    expect(new Webhook(key).verify(afterRotation?.body ?? '', afterRotation?.headers ?? {})).toEqual({
      content: 'signed delivery',
    });
  }
  expect(system.workers[0]?.output()).not.toContain(secret.slice('whsec_'.length));
  // For the record: what the receiver got, each verified above by the standardwebhooks package.
  const described = [
    ['request (answered 500)', first],
    ['redelivery', redelivery],
    ['after rotation', afterRotation],
  ] as const;
  for (const [what, request] of described) {
    const headers = request?.headers ?? {};
    console.log(
      `${what}: webhook-id ${String(headers['webhook-id'])}, webhook-timestamp ${String(headers['webhook-timestamp'])}, webhook-signature ${String(headers['webhook-signature'])} — verified`,
    );
  }
});

test('the worker sends the task’s method and headers, unmasked, and no body with GET', async () => {
  const token = 'Bearer 0123456789abcdefWXYZ';
  const put = await system.taskService.create({
    task_name: 'put with headers',
    task_schedule: '0 0 1 1 *',
    webhook_url: url,
    json_payload: { content: 'put' },
    http_method: 'PUT',
    headers: { Authorization: token, 'X-Team': 'reports' },
    timeout_ms: 5000,
  });
  const get = await system.taskService.create({
    task_name: 'get',
    task_schedule: '0 0 1 1 *',
    webhook_url: url,
    http_method: 'GET',
  });
  const before = received.length;

  await system.taskService.runNow(put.id);
  await system.taskService.runNow(get.id);
  await waitFor('both requests', async () => Promise.resolve(received.length >= before + 2));

  const [first, second] = received.slice(before);
  const byBody = first?.body === '' ? { get: first, put: second } : { get: second, put: first };
  expect(byBody.put?.headers.authorization).toBe(token);
  expect(byBody.put?.headers['x-team']).toBe('reports');
  expect(byBody.put?.body).toBe('{"content":"put"}');
  expect(byBody.get?.body).toBe('');
  expect(new Webhook(get.signing_secret).verify('', byBody.get?.headers ?? {})).toBeUndefined();
});

test('a Discord webhook asked to wait: the message id is stored on the attempt as response_id', async () => {
  const base = url.replace('/hook', '');
  const task = await system.taskService.create({
    task_name: 'discord wait',
    task_schedule: '0 0 1 1 *',
    webhook_url: `${base}/api/webhooks/1/token?wait=true`,
    json_payload: { content: 'posted' },
  });

  const run = await system.taskService.runNow(task.id);
  await waitFor(
    'the run to end',
    async () => (await system.database.runs.findById(run.id))?.status === 'finish',
  );

  const [attempt] = await system.database.attempts.listForTask(task.id, 10);
  expect(attempt).toMatchObject({ status: 'finish', response_id: '1180000000000000042' });
});
