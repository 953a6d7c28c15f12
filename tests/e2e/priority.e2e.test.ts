import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DiscordReceiver,
  startDiscordReceiver,
  startSystem,
  type SystemUnderTest,
  waitFor,
} from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';

// SPEC §12: higher priority first wherever runs wait, due order within a priority. One
// worker delivering one request at a time, so the order it takes runs in is the order
// the receiver sees them in.
let system: SystemUnderTest;
let discord: DiscordReceiver;
let receiver: http.Server;
const received: string[] = [];

beforeAll(async () => {
  discord = await startDiscordReceiver({ limit: 50, windowMs: 2000 });
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push((JSON.parse(body) as { content: string }).content);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  system = await startSystem({ workers: 0, retryBackoffMs: 500 });
});
afterAll(async () => {
  await system?.stop();
  await discord?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** (priority, due offset in ms): mixed, with ties in priority due at different instants. */
const WAITING = [
  [3, 0],
  [10, 30],
  [5, 10],
  [1, 0],
  [10, 0],
  [5, 0],
  [3, 20],
  [1, 10],
  [7, 0],
] as const;

/** Higher priority first, then due order: the order users are promised. */
const promised = [...WAITING]
  .sort((a, b) => b[0] - a[0] || a[1] - b[1])
  .map(([priority, offset]) => `p${priority}+${offset}`);

async function createWaiting(webhookUrl: string, due: number): Promise<string[]> {
  const ids: string[] = [];
  for (const [priority, offset] of WAITING) {
    const task = await system.taskService.create({
      task_name: `p${priority}+${offset}`,
      run_at: new Date(due + offset).toISOString(),
      webhook_url: webhookUrl,
      json_payload: { content: `p${priority}+${offset}` },
      priority,
      max_retry: 3,
    });
    ids.push(task.id);
  }
  return ids;
}

const runStatuses = async (ids: string[]) =>
  Promise.all(
    ids.map(
      async (id) => (await system.database.runs.list({ page: 1, limit: 5, taskId: id })).rows[0]?.status,
    ),
  );

test('runs waiting in a busy queue go out by priority, then due order', async () => {
  const port = (receiver.address() as AddressInfo).port;
  const ids = await createWaiting(`http://127.0.0.1:${port}/hook`, Date.now() + 1500);
  // Every run claimed and waiting in the queue before any worker runs.
  await waitFor('every run queued', async () => (await runStatuses(ids)).every((s) => s === 'queued'));

  await system.startWorker({ WORKER_CONCURRENCY: '1' });
  await waitFor('every run delivered', async () => received.length >= WAITING.length, 30_000);
  expect(received).toEqual(promised);
});

test('runs waiting for a held destination go out by priority when the hold ends', async () => {
  const webhookId = '7700001';
  // The first request is told to wait 3 s: the webhook is held for every worker.
  discord.answerNext(webhookId, 1, {
    status: 429,
    headers: { 'retry-after': '3' },
    body: { message: 'You are being rate limited.', retry_after: 3, global: false },
  });
  const first = await system.taskService.create({
    task_name: 'meets the 429',
    run_at: new Date(Date.now() + 1000).toISOString(),
    webhook_url: discord.webhookUrl(webhookId),
    json_payload: { content: 'meets the 429' },
    max_retry: 3,
  });
  await waitFor('the 429', async () => discord.rateLimited(webhookId) === 1, 15_000);
  // Due while the webhook is held.
  const ids = await createWaiting(discord.webhookUrl(webhookId), Date.now() + 500);
  await waitFor(
    'every message delivered',
    async () => discord.delivered(webhookId) >= WAITING.length + 1,
    30_000,
  );

  expect(discord.violations(webhookId)).toBe(0);
  const order = discord.requests
    .filter((r) => r.webhookId === webhookId && r.status < 300)
    .map((r) => (r.body as { content: string }).content)
    .filter((content) => content !== 'meets the 429');
  expect(order).toEqual(promised);
  expect(await runStatuses([first.id, ...ids])).toEqual(Array(WAITING.length + 1).fill('finish'));
});

/**
 * One worker, one request at a time to a receiver of the test's own (DESTINATION_MAX_CONCURRENCY
 * 1): a blocker holds the slot `blockMs`, then `queue(url)` makes runs that wait for it, each
 * answered in `eachMs`. What the receiver got, in order, after the blocker.
 */
async function atBusyDestination(
  blockMs: number,
  eachMs: number,
  queue: (url: string) => Promise<number>,
): Promise<string[]> {
  await Promise.all(system.workers.splice(0).map((worker) => worker.stop('SIGTERM')));
  const order: string[] = [];
  const slow = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const content = (JSON.parse(body) as { content: string }).content;
      order.push(content);
      setTimeout(() => res.writeHead(204).end(), content === 'blocker' ? blockMs : eachMs);
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  try {
    await system.startWorker({ WORKER_CONCURRENCY: '16', DESTINATION_MAX_CONCURRENCY: '1' });
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`;
    await system.taskService.create({
      task_name: 'blocker',
      run_at: new Date(Date.now() + 500).toISOString(),
      webhook_url: url,
      json_payload: { content: 'blocker' },
    });
    await waitFor('the blocker in flight', async () => order.length === 1, 15_000);
    const made = await queue(url);
    await waitFor('every run delivered', async () => order.length >= made + 1, 30_000);
    return order.slice(1);
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
}

test('runs waiting for a slot at a busy destination get it by priority, whichever looks first', async () => {
  const priorities = [1, 2, 3, 4, 5, 6, 7, 8];
  const order = await atBusyDestination(4000, 20, async (url) => {
    // Due while the slot is taken, lowest priority first, 150 ms apart: each is put off at the
    // limit and rechecks on its own timer, so the ones waiting longest look most often.
    const due = Date.now() + 100;
    for (const priority of priorities) {
      await system.taskService.create({
        task_name: `busy p${priority}`,
        run_at: new Date(due + priority * 150).toISOString(),
        webhook_url: url,
        json_payload: { content: `p${priority}` },
        priority,
      });
    }
    return priorities.length;
  });
  expect(order).toEqual([...priorities].reverse().map((priority) => `p${priority}`));
});

test('runs of one priority waiting for a slot at a busy destination get it in due order', async () => {
  const names = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];
  const order = await atBusyDestination(3000, 300, async (url) => {
    // Due 200 ms apart, all of priority 5: each is put off at the limit and rechecks on its
    // own timer (the first to come due backs off most), yet they go in due order.
    const due = Date.now() + 100;
    for (const [i, name] of names.entries()) {
      await system.taskService.create({
        task_name: `due order ${name}`,
        run_at: new Date(due + i * 200).toISOString(),
        webhook_url: url,
        json_payload: { content: name },
      });
    }
    return names.length;
  });
  expect(order).toEqual(names);
});
