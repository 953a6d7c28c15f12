import { freePort, scrape, startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';

// The publisher's and the worker's own metrics, scraped from the real processes
// after real deliveries to the dummy webhook (which answers 500 to its 2nd request).
let system: SystemUnderTest;
let publisherUrl: string;
let workerUrl: string;

beforeAll(async () => {
  system = await startSystem({ failOn: '2', retryBackoffMs: 200, publishers: 0, workers: 0 });
  const [publisherPort, workerPort] = [await freePort(), await freePort()];
  await system.startPublisher({ PUBLISHER_METRICS_PORT: String(publisherPort) });
  await system.startWorker({ WORKER_METRICS_PORT: String(workerPort) });
  publisherUrl = `http://127.0.0.1:${publisherPort}`;
  workerUrl = `http://127.0.0.1:${workerPort}`;
});
afterAll(async () => system?.stop());

const attempts = (outcome: string) => `scheduler_attempts_total{outcome="${outcome}"}`;

test('before any run: every series is there at 0, with its type, beside the process metrics', async () => {
  for (const url of [publisherUrl, workerUrl]) {
    const metrics = await scrape(`${url}/metrics`);
    for (const outcome of ['finish', 'failed', 'retry', 'cancelled', 'refused'])
      expect(metrics.value(attempts(outcome))).toBe(0);
    for (const kind of ['requeued', 'released'])
      expect(metrics.value(`scheduler_watchdog_recovered_total{kind="${kind}"}`)).toBe(0);
    const ours = [...metrics.types].filter(([name]) => name.startsWith('scheduler_'));
    expect(Object.fromEntries(ours)).toEqual({
      scheduler_runs_claimed_total: 'counter',
      scheduler_tick_duration_seconds: 'histogram',
      scheduler_watchdog_recovered_total: 'counter',
      scheduler_attempts_total: 'counter',
      scheduler_delivery_duration_seconds: 'histogram',
      scheduler_run_lateness_seconds: 'histogram',
      scheduler_destination_holds_total: 'counter',
    });
    expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.value('scheduler_delivery_duration_seconds_count')).toBe(0);
  }
});

test('/healthz answers 200 while the process works; anything else is a 404', async () => {
  for (const url of [publisherUrl, workerUrl]) {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/api/tasks`)).status).toBe(404);
  }
});

test('deliveries move the counters: a finish counts one, a 500 with a retry left counts a retry', async () => {
  const task = await system.taskService.create({
    task_name: 'once, delivered',
    run_at: new Date(Date.now() + 1000).toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { content: 'first' },
    max_retry: 0,
  });
  await waitFor('the first run to finish', async () => {
    const current = await system.database.tasks.findById(task.id);
    return current?.task_status === 'ready' && current.next_run_at === null;
  });
  let worker = await scrape(`${workerUrl}/metrics`);
  expect(worker.value(attempts('finish'))).toBe(1);
  expect(worker.value(attempts('retry'))).toBe(0);
  expect(worker.value('scheduler_delivery_duration_seconds_count')).toBe(1);
  expect(worker.value('scheduler_run_lateness_seconds_count')).toBe(1);
  // Claimed on time: well under a few seconds late.
  expect(worker.value('scheduler_run_lateness_seconds_sum')).toBeLessThan(3);
  const publisher = await scrape(`${publisherUrl}/metrics`);
  expect(publisher.value('scheduler_runs_claimed_total')).toBe(1);
  expect(publisher.value('scheduler_tick_duration_seconds_count')).toBeGreaterThan(0);

  // The dummy's 2nd request answers 500: one retry, then a finish on the same run.
  const second = await system.taskService.create({
    task_name: 'once, retried',
    run_at: new Date(Date.now() + 500).toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { content: 'second' },
    max_retry: 1,
  });
  worker = await waitFor(
    'the retry to finish',
    async () => {
      const now = await scrape(`${workerUrl}/metrics`);
      return now.value(attempts('finish')) === 2 && now;
    },
    20_000,
  );
  expect(worker.value(attempts('retry'))).toBe(1);
  expect(worker.value(attempts('failed'))).toBe(0);
  expect(worker.value('scheduler_delivery_duration_seconds_count')).toBe(3);
  // Lateness counts a run's first request only.
  expect(worker.value('scheduler_run_lateness_seconds_count')).toBe(2);
  expect((await system.database.tasks.findById(second.id))?.task_status).toBe('ready');
  expect((await scrape(`${publisherUrl}/metrics`)).value('scheduler_runs_claimed_total')).toBe(2);
});
