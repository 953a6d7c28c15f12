import { eventsChannel, type LiveEvent, parseLiveEvents } from '@scheduler/queue';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type DiscordReceiver,
  freePort,
  scrape,
  startDiscordReceiver,
  startSystem,
  type SystemUnderTest,
  waitFor,
} from '@scheduler/test-support';

// SPEC §12's promise, end to end: bursts at one Discord webhook (a bucket of 5 per 2 s, as
// Discord's are) are delivered in full, nothing is sent while Discord said to wait, and the
// burst ends within 1.25 × (⌈n / limit⌉ − 1) × window + 1 s. Two workers share the bucket.
const LIMIT = 5;
const WINDOW_MS = 2000;

let system: SystemUnderTest;
let discord: DiscordReceiver;
const workerMetrics: string[] = [];

beforeAll(async () => {
  discord = await startDiscordReceiver({ limit: LIMIT, windowMs: WINDOW_MS });
  system = await startSystem({ workers: 0, retryBackoffMs: 500 });
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    await system.startWorker({ WORKER_METRICS_PORT: String(port) });
    workerMetrics.push(`http://127.0.0.1:${port}/metrics`);
  }
});

/** scheduler_destination_holds_total across both workers. */
async function holdsCounted(): Promise<number> {
  const scrapes = await Promise.all(workerMetrics.map((url) => scrape(url)));
  return scrapes.reduce((sum, metrics) => sum + metrics.value('scheduler_destination_holds_total'), 0);
}
afterAll(async () => {
  await system?.stop();
  await discord?.close();
});

/** n one-time tasks due in the same (whole) second, a few seconds from now. */
async function burst(n: number, webhookUrl: string, name: string): Promise<{ ids: string[]; due: Date }> {
  const due = new Date(Math.ceil((Date.now() + 4000 + n * 40) / 1000) * 1000);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const task = await system.taskService.create({
      task_name: `${name} ${i}`,
      run_at: due.toISOString(),
      webhook_url: webhookUrl,
      json_payload: { content: `${name} ${i}` },
      max_retry: 3,
    });
    ids.push(task.id);
  }
  return { ids, due };
}

async function runsOf(ids: string[]) {
  return Promise.all(
    ids.map(async (id) => (await system.database.runs.list({ page: 1, limit: 10, taskId: id })).rows),
  );
}

async function deliverBurst(n: number, webhookId: string) {
  const { ids } = await burst(n, discord.webhookUrl(webhookId), `burst of ${n}`);
  const bound = 1.25 * (Math.ceil(n / LIMIT) - 1) * WINDOW_MS + 1000;
  await waitFor(
    `${n} messages at the webhook`,
    async () => discord.delivered(webhookId) >= n,
    bound + 30_000,
  );
  const requests = discord.requests.filter((r) => r.webhookId === webhookId);
  const delivered = requests.filter((r) => r.status < 300);
  const elapsed = delivered[delivered.length - 1]!.at - requests[0]!.at;
  const minimum = (Math.ceil(n / LIMIT) - 1) * WINDOW_MS;
  const figures = {
    n,
    elapsed_ms: elapsed,
    bucket_minimum_ms: minimum,
    bound_ms: bound,
    requests: requests.length,
    rate_limited_429: discord.rateLimited(webhookId),
    violations: discord.violations(webhookId),
  };
  console.log(`flow control, burst figures: ${JSON.stringify(figures)}`);
  expect(discord.violations(webhookId)).toBe(0);
  expect(discord.delivered(webhookId)).toBe(n);
  expect(elapsed).toBeLessThanOrEqual(bound);
  // Every run ends finish, with its message delivered once.
  await waitFor('every run to end', async () =>
    (await runsOf(ids)).every((runs) => runs[0]?.status === 'finish'),
  );
  const contents = new Set(delivered.map((r) => (r.body as { content: string }).content));
  expect(contents.size).toBe(n);
  return figures;
}

test('a burst of 30 at one Discord webhook, two workers sharing its bucket: all delivered, none sent while told to wait, within the bound; another destination is not slowed', async () => {
  // Ten tasks at another destination, due in the same second as the burst.
  const { ids: others, due } = await burst(10, system.webhookUrl, 'elsewhere');
  const figures = deliverBurst(30, '30303030');
  await waitFor('the other destination to be served', async () =>
    (await runsOf(others)).every((runs) => runs[0]?.status === 'finish'),
  );
  const finished = (await runsOf(others)).map((runs) => runs[0]!.finished_at!.getTime());
  // Served as if the held webhook did not exist: within a few seconds of coming due, not after the burst.
  expect(Math.max(...finished) - due.getTime()).toBeLessThan(5000);
  await figures;
  // Both workers delivered part of the burst.
  for (const worker of system.workers) expect(worker.output()).toMatch(/delivered \\"burst of 30/);
});

test('a burst of 100 at one Discord webhook: all delivered, none sent while told to wait, within the bound', async () => {
  await deliverBurst(100, '100100100');
});

test('a 429 with retry_after holds the webhook for every worker, is logged once, and spends no retry', async () => {
  const webhookId = '4294967';
  const holdsBefore = await holdsCounted();
  const events: LiveEvent[] = [];
  const subscriber = system.redis.duplicate();
  subscriber.on('message', (_channel: string, message: string) => events.push(...parseLiveEvents(message)));
  await subscriber.subscribe(eventsChannel(system.prefix));
  discord.answerNext(webhookId, 1, {
    status: 429,
    headers: { 'retry-after': '2' },
    body: { message: 'You are being rate limited.', retry_after: 1.2, global: false },
  });
  const { ids } = await burst(3, discord.webhookUrl(webhookId), 'told to wait');
  await waitFor('three messages delivered', async () => discord.delivered(webhookId) >= 3, 30_000);
  await waitFor('every run to end', async () =>
    (await runsOf(ids)).every((runs) => runs[0]?.status === 'finish'),
  );
  expect(discord.violations(webhookId)).toBe(0);
  // max_retry 3 and each 429 a failed attempt of its own that spent nothing.
  const attempts = (await Promise.all(ids.map((id) => system.database.attempts.listForTask(id, 10)))).flat();
  const failed = attempts.filter((a) => a.status === 'failed');
  expect(failed).toMatchObject([{ http_status: 429, retry_count: 0 }]);
  expect(failed[0]?.message).toMatch(/spending no retry/);
  // The run that met it was sent again as attempt 1 and delivered, its retries untouched.
  expect(
    attempts
      .filter((a) => a.run_id === failed[0]?.run_id)
      .map((a) => [a.retry_count, a.status])
      .sort(),
  ).toEqual([
    [0, 'failed'],
    [1, 'finish'],
  ]);
  const output = system.workers.map((w) => w.output()).join('');
  expect(output.match(/destination discord:4294967 held until/g)).toHaveLength(1);
  // Counted once, and announced to dashboards (SPEC §15).
  expect((await holdsCounted()) - holdsBefore).toBe(1);
  await subscriber.quit();
  const held = events.find((e) => e.event === 'destination.held');
  expect(held?.data).toMatchObject({ destination: 'discord:4294967' });
  expect(Date.parse(String(held?.data.held_until))).toBeGreaterThan(0);
});
