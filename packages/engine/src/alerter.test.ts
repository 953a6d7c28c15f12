import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createLogger } from '@scheduler/config';
import { parseAllowList } from '@scheduler/core';
import {
  clearPrefix,
  createTestDatabase,
  type DiscordReceiver,
  startDiscordReceiver,
  type TestDatabase,
  testRedis,
  uniquePrefix,
  waitFor,
} from '@scheduler/test-support';
import type { Redis } from '@scheduler/queue';
import { Alerter } from './alerter';
import { storedFlowControl } from './alert-setup';
import { WebhookClient } from './webhook-client';

/** SPEC §14 alerts against real Redis, PostgreSQL and local receivers. */
interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

let t: TestDatabase;
let redis: Redis;
let discord: DiscordReceiver;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
let answerStatus = 204;
const webhooks = new WebhookClient(5000, { allowList: parseAllowList(['127.0.0.1']) });
const prefixes: string[] = [];
const globalSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = testRedis();
  discord = await startDiscordReceiver({ limit: 100 });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answerStatus).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
});
afterAll(async () => {
  await webhooks.close();
  await discord?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  for (const prefix of prefixes) await clearPrefix(redis, prefix);
  await redis?.quit();
  await t?.drop();
});

function recordingLogger() {
  const warnings: string[] = [];
  const logger = createLogger('test', { logLevel: 'fatal', logFormat: 'json' });
  logger.warn = (first: unknown, second?: unknown) => {
    warnings.push(String(typeof first === 'string' ? first : second));
  };
  return { logger, warnings };
}

function alerter(options: { globalUrl?: string; maxPerMinute?: number; windowMs?: number } = {}) {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const { logger, warnings } = recordingLogger();
  const alerts = new Alerter({
    webhooks,
    redis,
    prefix,
    globalUrl: options.globalUrl,
    globalSecret,
    maxPerMinute: options.maxPerMinute ?? 10,
    windowMs: options.windowMs,
    target: (taskId) => t.tasks.alertTarget(taskId),
    logger,
  });
  return { alerts, warnings };
}

const newTask = (alertUrl: string | null) =>
  t.tasks.create({
    task_name: 'Nightly report',
    task_schedule: '0 3 * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
    alert_url: alertUrl,
  });

test('an alert goes to ALERT_WEBHOOK_URL as signed JSON and to the task’s Discord alert_url as a message signed with the task’s secret, each with its own webhook-id', async () => {
  received.length = 0;
  const task = await newTask(discord.webhookUrl('77'));
  const { alerts, warnings } = alerter({ globalUrl: receiverUrl });
  await alerts.send({ type: 'task.failed', taskId: task.id, runId: null, message: 'HTTP 500 — gave up' });

  expect(received).toHaveLength(1);
  const json = received[0]!;
  const verified = new Webhook(globalSecret).verify(json.body, {
    'webhook-id': String(json.headers['webhook-id']),
    'webhook-timestamp': String(json.headers['webhook-timestamp']),
    'webhook-signature': String(json.headers['webhook-signature']),
  });
  expect(verified).toMatchObject({
    type: 'task.failed',
    task: { id: task.id, task_name: 'Nightly report' },
    run_id: null,
    message: 'HTTP 500 — gave up',
  });
  const message = discord.requests.filter((r) => r.webhookId === '77');
  expect(message).toHaveLength(1);
  expect(message[0]?.body).toMatchObject({
    content: '**task.failed**: “Nightly report” failed',
    embeds: [{ title: 'Nightly report', description: 'HTTP 500 — gave up' }],
  });
  expect(warnings).toEqual([]);
});

test('past ALERT_MAX_PER_MINUTE the rest go out as one digest when the window ends', async () => {
  received.length = 0;
  const task = await newTask(null);
  const { alerts } = alerter({ globalUrl: receiverUrl, maxPerMinute: 2, windowMs: 1500 });
  for (let i = 1; i <= 5; i++) {
    await alerts.send({ type: 'task.failed', taskId: task.id, runId: null, message: `failure ${i}` });
  }
  expect(received.map((r) => (JSON.parse(r.body) as { message: string }).message)).toEqual([
    'failure 1',
    'failure 2',
  ]);
  await waitFor('the digest', () => Promise.resolve(received.length === 3), 10_000, 100);
  const digest = JSON.parse(received[2]!.body) as { type: string; message: string; alerts: unknown[] };
  expect(digest).toMatchObject({
    type: 'digest',
    message: '3 alerts over the limit of 2 a minute: 3 task.failed',
    alerts: [{ message: 'failure 3' }, { message: 'failure 4' }, { message: 'failure 5' }],
  });
  // A webhook-id per message.
  expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(3);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(received).toHaveLength(3);
  await alerts.stop();
});

test('an alert that cannot be delivered is logged once, not retried, and raises nothing', async () => {
  received.length = 0;
  answerStatus = 500;
  try {
    const task = await newTask('http://127.0.0.2:9/refused');
    const { alerts, warnings } = alerter({ globalUrl: receiverUrl });
    await alerts.send({ type: 'task.recovered', taskId: task.id, runId: null, message: 'delivered again' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^alert task.recovered could not be delivered to ALERT_WEBHOOK_URL \(127\.0\.0\.1:\d+\): HTTP 500; it is not sent again$/,
        ),
        expect.stringMatching(
          /^alert task.recovered could not be delivered to the task’s alert_url \(127\.0\.0\.2:9\): refused: .*loopback/,
        ),
      ]),
    );
  } finally {
    answerStatus = 204;
  }
});

test('alerts wait for their destination’s limits as deliveries do: a Discord bucket of one a second is never overrun', async () => {
  const strict = await startDiscordReceiver({ limit: 1, windowMs: 1000 });
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const { logger, warnings } = recordingLogger();
  const flow = storedFlowControl(
    { redisPrefix: prefix, destinationMaxConcurrency: 10, maxConcurrentDeliveries: undefined },
    { redis, destinations: () => Promise.resolve([]), logger },
  );
  try {
    const alerts = new Alerter({
      webhooks,
      redis,
      prefix,
      globalUrl: strict.webhookUrl('31'),
      maxPerMinute: 10,
      target: (taskId) => t.tasks.alertTarget(taskId),
      logger,
      flow: flow.flow,
    });
    const task = await newTask(null);
    await Promise.all(
      [1, 2, 3].map((i) =>
        alerts.send({ type: 'task.failed', taskId: task.id, runId: null, message: `failure ${i}` }),
      ),
    );
    expect(strict.delivered('31')).toBe(3);
    expect(strict.rateLimited('31')).toBe(0);
    expect(strict.violations('31')).toBe(0);
    expect(warnings).toEqual([]);
  } finally {
    flow.stop();
    await strict.close();
  }
});
