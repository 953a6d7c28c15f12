import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlowControl } from '@scheduler/engine';
import { lateQueuedRun, parseMetrics, testRedis, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_KEY, type RunningApi, startApi } from './api-harness';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

async function scrapeApi(api: RunningApi, headers?: Record<string, string>) {
  const response = await api.request<string>('GET', '/metrics', {
    key: headers ? null : API_KEY,
    headers,
  });
  expect(response.status, String(response.body).slice(0, 300)).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(response.body);
}

describe('GET /metrics on the API', () => {
  let api: RunningApi;

  beforeAll(async () => {
    // No publisher runs here: a task that comes due stays unclaimed, and is late after 1 s.
    api = await startApi({ env: () => ({ METRICS_TOKEN, LATE_ALERT_AFTER_MS: '1000' }) });
  });
  afterAll(async () => api?.stop());

  test('a fresh install exports every series, every status and state at 0, with its type', async () => {
    const metrics = await scrapeApi(api);
    for (const status of ['ready', 'running', 'failed'])
      expect(metrics.value(`scheduler_tasks{status="${status}"}`)).toBe(0);
    for (const status of ['queued', 'running'])
      expect(metrics.value(`scheduler_runs{status="${status}"}`)).toBe(0);
    for (const state of ['waiting', 'active', 'delayed', 'failed'])
      expect(metrics.value(`scheduler_queue_jobs{state="${state}"}`)).toBe(0);
    for (const name of [
      'scheduler_due_backlog',
      'scheduler_oldest_due_seconds',
      'scheduler_destinations_held',
      'scheduler_late_tasks',
    ]) {
      expect(metrics.value(name)).toBe(0);
      expect(metrics.types.get(name)).toBe('gauge');
    }
    expect(metrics.types.get('scheduler_tasks')).toBe('gauge');
    // And the process's own.
    expect(metrics.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  test('the key, or the METRICS_TOKEN as a bearer token; nothing else', async () => {
    expect((await api.request('GET', '/metrics', { key: null })).status).toBe(401);
    expect((await api.request('GET', '/metrics', { key: 'wrong-key-0123456789abcdef' })).status).toBe(401);
    const wrongBearer = await api.request('GET', '/metrics', {
      key: null,
      headers: { authorization: 'Bearer not-the-token-0123456789' },
    });
    expect(wrongBearer.status).toBe(401);
    await scrapeApi(api, { authorization: `Bearer ${METRICS_TOKEN}` });
    // The token opens /metrics only.
    const elsewhere = await api.request('GET', '/api/tasks', {
      key: null,
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(elsewhere.status).toBe(401);
    expect((await api.request('GET', '/metrics?x=1')).status).toBe(400);
  });

  test('read at scrape time: tasks by status, a due task nobody claims is backlog, then late', async () => {
    await api.createTask({ task_name: 'not yet due' });
    const dueAt = new Date(Date.now() + 1500);
    await api.createTask({ task_name: 'due soon', task_schedule: undefined, run_at: dueAt.toISOString() });
    let metrics = await scrapeApi(api);
    expect(metrics.value('scheduler_tasks{status="ready"}')).toBe(2);
    expect(metrics.value('scheduler_due_backlog')).toBe(0);

    metrics = await waitFor(
      'the one-time task to be late',
      async () => {
        const now = await scrapeApi(api);
        return now.value('scheduler_late_tasks') === 1 && now;
      },
      15_000,
    );
    expect(metrics.value('scheduler_due_backlog')).toBe(1);
    expect(metrics.value('scheduler_oldest_due_seconds')).toBeGreaterThanOrEqual(1);
    expect(metrics.value('scheduler_tasks{status="ready"}')).toBe(2);
  });

  test('a run waiting at a busy destination is not late: not in /metrics, not in /health (SPEC §15)', async () => {
    const lateNow = async () => {
      const health = await api.request<{ details: { late_tasks: number } }>('GET', '/health');
      return {
        metric: (await scrapeApi(api)).value('scheduler_late_tasks'),
        health: health.body.details.late_tasks,
      };
    };
    const before = await lateNow();
    // Claimed ten minutes ago, its run still queued: late, by PostgreSQL's reading alone.
    await lateQueuedRun(api.database, {
      task_name: 'behind a busy destination',
      webhook_url: 'http://127.0.0.1:4000/webhook',
      job_id: 'job-waiting',
    });
    expect(await lateNow()).toEqual({ metric: before.metric + 1, health: before.health + 1 });

    // Its destination takes one request at a time and has one in flight: the run was put off there.
    const redis = testRedis();
    const flow = new FlowControl({ redis, prefix: api.prefix, leaseTtlMs: 10_000, defaultMaxConcurrency: 1 });
    try {
      const other = await flow.admit('http://127.0.0.1:4000', 'job-other');
      expect(other.kind).toBe('admitted');
      expect((await flow.admit('http://127.0.0.1:4000', 'job-waiting')).kind).toBe('wait');
      expect(await lateNow()).toEqual(before);
      if (other.kind === 'admitted') await flow.settle(other.lease, 204);
    } finally {
      await redis.quit();
    }
  });

  test('a destination a 429 told to wait counts as held while it waits', async () => {
    const receiver = http.createServer((_req, res) => res.writeHead(429, { 'retry-after': '30' }).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      // A task aims at it, so it is a destination; a test request meets the 429 (SPEC §14).
      await api.createTask({
        task_name: 'aims at the held one',
        webhook_url: `http://127.0.0.1:${port}/hook`,
      });
      expect((await scrapeApi(api)).value('scheduler_destinations_held')).toBe(0);
      const sent = await api.request('POST', '/api/webhooks/test', {
        body: { webhook_url: `http://127.0.0.1:${port}/hook`, json_payload: {} },
      });
      expect(sent.status).toBe(200);
      expect((await scrapeApi(api)).value('scheduler_destinations_held')).toBe(1);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
