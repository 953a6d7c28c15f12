import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  startSystem,
  startTcpProxy,
  type SystemUnderTest,
  type TcpProxy,
  through,
} from '@scheduler/test-support';

// Redis through a proxy the test cuts: a stop must still end, within its documented bound.
let system: SystemUnderTest;
let proxy: TcpProxy;

beforeAll(async () => {
  system = await startSystem({ publishers: 0, workers: 0 });
  const target = new URL(system.env.REDIS_URL ?? '');
  proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
});
afterAll(async () => {
  await system?.stop();
  await proxy?.close();
});

test('with Redis out of reach, both say so, and SIGTERM still stops the publisher (15 s) and the worker (webhook timeout + 15 s)', async () => {
  const env = { REDIS_URL: through(system.env.REDIS_URL ?? '', proxy), WEBHOOK_TIMEOUT_MS: '1000' };
  const [publisher, worker] = await Promise.all([system.startPublisher(env), system.startWorker(env)]);
  // Due every second, so a tick is enqueueing (and a delivery is in flight) when Redis goes.
  await system.taskService.create({
    task_name: 'every second',
    task_schedule: '* * * * * *',
    webhook_url: system.webhookUrl,
    json_payload: { content: 'tick' },
  });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await proxy.cut();
  // Both say so at once, the publisher included.
  await publisher.waitForOutput(/Redis is out of reach/, 10_000);
  await worker.waitForOutput(/Redis is out of reach/, 10_000);

  const started = Date.now();
  const [publisherExit, workerExit] = await Promise.all([
    publisher.stop('SIGTERM', 40_000),
    worker.stop('SIGTERM', 40_000),
  ]);

  // An exit code, not the SIGKILL the test sends after 40 s.
  expect(typeof publisherExit).toBe('number');
  expect(typeof workerExit).toBe('number');
  expect(Date.now() - started).toBeLessThan(30_000);
}, 60_000);
