import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type DiscordReceiver,
  startDiscordReceiver,
  startSystem,
  type SystemUnderTest,
  waitFor,
} from '@scheduler/test-support';

/**
 * SPEC §14 alerts, end to end: a worker started as a user starts it, with ALERT_WEBHOOK_URL
 * aimed at a Discord-faithful receiver, and a task whose own alert_url is a plain receiver.
 * The task fails (twice in a row: one alert), recovers, and is disabled by a 410; another
 * task's failure is over ALERT_MAX_PER_MINUTE and comes in the minute's digest.
 */
interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

let system: SystemUnderTest;
let discord: DiscordReceiver;
const alertSecret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;

/** A local receiver that records what it got and answers `status()`. */
async function receiver(status: () => number) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

let webhookStatus = 500;
let target: Awaited<ReturnType<typeof receiver>>;
let alerts: Awaited<ReturnType<typeof receiver>>;
let broken: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 100, workers: 0 });
  discord = await startDiscordReceiver({ limit: 50 });
  target = await receiver(() => webhookStatus);
  alerts = await receiver(() => 204);
  broken = await receiver(() => 500);
  await system.startWorker({
    ALERT_WEBHOOK_URL: discord.webhookUrl('900', 'alert-token'),
    ALERT_SIGNING_SECRET: alertSecret,
    ALERT_MAX_PER_MINUTE: '3',
  });
});
afterAll(async () => {
  await system?.stop();
  await discord?.close();
  for (const r of [target, alerts, broken]) await r?.close();
});

const globalAlerts = () => discord.requests.filter((r) => r.webhookId === '900');
const taskAlerts = () => alerts.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runsEnded(taskId: string, count: number): Promise<void> {
  await waitFor(`${count} runs of the task to end`, async () => {
    const logs = await system.database.attempts.listForTask(taskId, 100);
    return logs.filter((log) => log.status !== 'running').length >= count;
  });
}

test('failed once for two failures, recovered, disabled, then a digest past the limit; each alert signed and shaped for where it goes', async () => {
  const created = await system.taskService.create({
    task_name: 'Nightly report',
    task_schedule: '* * * * * *',
    webhook_url: `${target.url}/hook`,
    json_payload: { content: 'report' },
    max_retry: 0,
    alert_url: `${alerts.url}/alerts`,
  });
  const { signing_secret: taskSecret } = await system.taskService.getSecret(created.id);

  // Fails, is re-armed, fails again: one task.failed.
  await waitFor('task.failed', () => Promise.resolve(taskAlerts().length === 1));
  await system.taskService.update(created.id, { task_status: 'ready' });
  await runsEnded(created.id, 2);
  await pause(1000);
  expect(taskAlerts().map((a) => a.type)).toEqual(['task.failed']);

  // Delivers again: task.recovered, once, however many runs finish after it.
  webhookStatus = 204;
  await system.taskService.update(created.id, { task_status: 'ready' });
  await waitFor('task.recovered', () => Promise.resolve(taskAlerts().length === 2));
  await runsEnded(created.id, 4);

  // The webhook is gone: task.disabled alone.
  webhookStatus = 410;
  await waitFor('task.disabled', () => Promise.resolve(taskAlerts().length === 3));
  await pause(1000);
  expect(taskAlerts()).toMatchObject([
    { type: 'task.failed', task: { id: created.id, task_name: 'Nightly report' } },
    { type: 'task.recovered', task: { id: created.id } },
    { type: 'task.disabled', task: { id: created.id } },
  ]);
  expect(taskAlerts()[2]?.message).toMatch(/disabled automatically: the webhook answered HTTP 410 Gone/);
  // Each signed with the task's secret, with a webhook-id of its own (not a run id).
  for (const alert of alerts.received) {
    expect(
      new Webhook(taskSecret).verify(alert.body, {
        'webhook-id': String(alert.headers['webhook-id']),
        'webhook-timestamp': String(alert.headers['webhook-timestamp']),
        'webhook-signature': String(alert.headers['webhook-signature']),
      }),
    ).toBeTruthy();
  }
  const ids = alerts.received.map((r) => r.headers['webhook-id']);
  expect(new Set(ids).size).toBe(3);
  for (const alert of taskAlerts()) expect(ids).not.toContain(alert.run_id);

  // ALERT_WEBHOOK_URL, a Discord webhook, got the same three as messages: content and one embed.
  expect(globalAlerts().map((r) => (r.body as { content: string }).content)).toEqual([
    '**task.failed**: “Nightly report” failed',
    '**task.recovered**: “Nightly report” recovered',
    '**task.disabled**: “Nightly report” was disabled',
  ]);

  // A fourth alert within the minute is over ALERT_MAX_PER_MINUTE (3): it comes in the digest.
  const other = await system.taskService.create({
    task_name: 'Hourly sync',
    task_schedule: '* * * * * *',
    webhook_url: `${broken.url}/sync`,
    json_payload: { sync: true },
    max_retry: 0,
  });
  await runsEnded(other.id, 1);
  await pause(1000);
  expect(globalAlerts()).toHaveLength(3);
  await waitFor('the digest', () => Promise.resolve(globalAlerts().length === 4), 70_000, 250);
  expect(globalAlerts()[3]?.body).toMatchObject({
    content: '**digest**: 1 alert over the limit of 3 a minute: 1 task.failed',
    embeds: [{ title: '1 more alert', description: expect.stringContaining('“Hourly sync”') as unknown }],
  });
  expect(globalAlerts().every((r) => r.status === 204)).toBe(true);

  for (const alert of alerts.received) console.log(`alert_url (JSON) received:\n${alert.body}`);
  for (const alert of globalAlerts())
    console.log(
      `ALERT_WEBHOOK_URL (Discord-faithful receiver) received:\n${JSON.stringify(alert.body, null, 2)}`,
    );
}, 150_000);
