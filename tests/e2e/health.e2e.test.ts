import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApi, startApi } from '../api/api-harness';

// /health counts the publishers and workers alive from their heartbeats in Redis (SPEC §15).
let system: SystemUnderTest;
let api: RunningApi;

interface Health {
  status: string;
  publishers: number;
  workers: number;
  details?: {
    publishers: { pid: number; host: string; last_seen: string }[];
    workers: { pid: number }[];
    queue: Record<string, number> | null;
    due_backlog: number | null;
    problems: Record<string, string>;
  };
}

beforeAll(async () => {
  system = await startSystem({ publishers: 0, workers: 0 });
  api = await startApi({
    env: () => ({ DATABASE_URL: system.database.url, REDIS_PREFIX: system.prefix }),
  });
});
afterAll(async () => {
  await api?.stop();
  await system?.stop();
});

const health = async (key?: null) => {
  const response = await api.request<Health>('GET', '/health', key === null ? { key: null } : {});
  expect(response.status).toBe(200);
  return response.body;
};

const until = (what: string, check: (body: Health) => boolean, timeoutMs = 10_000) =>
  waitFor(
    what,
    async () => {
      // Any answer while waiting: the API connects to Redis in the background at start (503 until then).
      const { body } = await api.request<Health>('GET', '/health', { key: null });
      return check(body) && body;
    },
    timeoutMs,
  );

test('degraded with no publisher or no worker alive, ok with both; details only with the key', async () => {
  await until('the API to reach PostgreSQL and Redis', (body) => body.status !== 'unavailable');
  expect(await health(null)).toEqual({
    status: 'degraded',
    postgres: 'ok',
    redis: 'ok',
    publishers: 0,
    workers: 0,
  });

  const publisher = await system.startPublisher();
  await until('the publisher to be seen', (body) => body.publishers === 1);
  expect(await health(null)).toMatchObject({ status: 'degraded', publishers: 1, workers: 0 });

  await system.startWorker();
  const ok = await until('the worker to be seen', (body) => body.workers === 1);
  expect(ok).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok', publishers: 1, workers: 1 });

  const detailed = await health();
  expect(detailed.details?.publishers).toEqual([
    expect.objectContaining({ pid: publisher.child.pid, host: expect.any(String) as unknown }),
  ]);
  expect(detailed.details?.workers).toHaveLength(1);
  expect(Date.now() - Date.parse(detailed.details!.publishers[0]!.last_seen)).toBeLessThan(15_000);
  expect(detailed.details).toMatchObject({ due_backlog: 0, problems: {} });
  expect(detailed.details?.queue).toMatchObject({ waiting: 0, active: 0 });
});

test('a worker that stops is gone at once; one killed outright is gone after 15 s without a heartbeat', async () => {
  const [worker] = system.workers;
  await worker!.stop('SIGTERM');
  expect(await health(null)).toMatchObject({ status: 'degraded', publishers: 1, workers: 0 });

  const [publisher] = system.publishers;
  await publisher!.stop('SIGKILL');
  // Still counted until its last beat is 15 s old.
  expect((await health(null)).publishers).toBe(1);
  await until('the killed publisher to be forgotten', (body) => body.publishers === 0, 25_000);
});
