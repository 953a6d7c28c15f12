import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList } from '@scheduler/core';
import { DependencyRepository } from '@scheduler/db';
import { TaskService } from '@scheduler/services';
import {
  freePort,
  schedulerBin,
  scrape,
  startProcess,
  startSystem,
  type SystemUnderTest,
  waitFor,
} from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';

/**
 * SPEC §14 when connecting: the worker checks the address it connects to. The refused
 * target is 127.0.0.2 — loopback, so nothing leaves this machine — which the worker's
 * allow list (127.0.0.1, localhost, ::1) leaves off.
 */
let system: SystemUnderTest;
let forbidden: http.Server;
let forbiddenConnections = 0;
let workerMetricsUrl: string;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 200, workers: 0 });
  const metricsPort = await freePort();
  await system.startWorker({ WORKER_METRICS_PORT: String(metricsPort) });
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  forbidden = http.createServer((_req, res) => res.writeHead(200).end('should not be reached'));
  forbidden.on('connection', () => forbiddenConnections++);
  await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.2', resolve));
});
afterAll(async () => {
  forbidden?.closeAllConnections();
  await new Promise((resolve) => forbidden?.close(resolve));
  await system?.stop();
});

test('a task whose address the worker refuses fails at once, with no retry and no connection', async () => {
  // Saved while the API's allow list named 127.0.0.2; the workers' list does not (any more).
  const permissive = new TaskService({
    tasks: system.database.tasks,
    attempts: system.database.attempts,
    runs: system.database.runs,
    dependencies: new DependencyRepository(system.database.db),
    queue: system.queue,
    redis: system.redis,
    prefix: system.prefix,
    retryBackoffMs: 200,
    allowList: parseAllowList(['127.0.0.2']),
  });
  const port = (forbidden.address() as AddressInfo).port;
  const task = await permissive.create({
    task_name: 'aimed at a refused address',
    run_at: new Date().toISOString(),
    webhook_url: `http://127.0.0.2:${port}/webhook`,
    json_payload: { content: 'hi' },
    max_retry: 3,
  });

  await waitFor(
    'the task to fail',
    async () => (await system.database.tasks.findById(task.id))?.task_status === 'failed',
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const attempts = await system.database.attempts.listForTask(task.id, 100);
  expect(attempts).toHaveLength(1);
  expect(attempts[0]).toMatchObject({ status: 'failed', retry_count: 0, http_status: null });
  expect(attempts[0]?.message).toMatch(
    /^refused: 127\.0\.0\.2 is a loopback address: .*WEBHOOK_ALLOWED_HOSTS.* — not retryable/,
  );
  expect(forbiddenConnections).toBe(0);
  // Counted as refused (SPEC §15): no request was sent.
  const metrics = await scrape(workerMetricsUrl);
  expect(metrics.value('scheduler_attempts_total{outcome="refused"}')).toBe(1);
  expect(metrics.value('scheduler_attempts_total{outcome="failed"}')).toBe(0);
});

test('a WEBHOOK_ALLOWED_HOSTS entry that is no host, address or CIDR stops the worker at start, naming it', async () => {
  const worker = startProcess('bad-allow-list-worker', schedulerBin, ['worker'], {
    ...system.env,
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,https://hooks.example.com/x',
  });

  expect(await worker.exited).toBe(2);
  expect(worker.output()).toContain(
    'WEBHOOK_ALLOWED_HOSTS="127.0.0.1,https://hooks.example.com/x" is invalid: "https://hooks.example.com/x" is not a host name, an IP address or a CIDR',
  );
});
