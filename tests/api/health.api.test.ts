import { sql } from 'kysely';
import { loadConfig } from '@scheduler/config';
import { startTcpProxy, through, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi, type Task } from './api-harness';

const redisTarget = new URL(loadConfig().redisUrl);
const postgresTarget = new URL(loadConfig().databaseUrl);

async function proxies(redisDownAtStart = false) {
  return {
    redis: await startTcpProxy(redisTarget.hostname, Number(redisTarget.port || 6379), redisDownAtStart),
    postgres: await startTcpProxy(postgresTarget.hostname, Number(postgresTarget.port || 5432)),
  };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

describe('GET /health while PostgreSQL and Redis come and go', () => {
  let api: RunningApi;
  let proxy: Awaited<ReturnType<typeof proxies>>;
  let task: Task;

  beforeAll(async () => {
    proxy = await proxies();
    api = await startApi({
      env: (database) => ({
        DATABASE_URL: through(database.url, proxy.postgres),
        REDIS_URL: through(loadConfig().redisUrl, proxy.redis),
      }),
    });
    task = await api.createTask();
  });
  afterAll(async () => {
    await proxy?.redis.restore();
    await proxy?.postgres.restore();
    await api?.stop();
    await proxy?.redis.close();
    await proxy?.postgres.close();
  });

  test('both answer, no publisher or worker runs here: 200 degraded', async () => {
    const response = await api.request('GET', '/health', { key: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'degraded',
      postgres: 'ok',
      redis: 'ok',
      publishers: 0,
      workers: 0,
    });
  });

  test('Redis down: health 503 naming Redis; queue routes 503 at once; the rest still serves; then it recovers', async () => {
    await proxy.redis.cut();
    const [health, healthMs] = await timed(() => api.request<ApiErrorBody>('GET', '/health', { key: null }));
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', postgres: 'ok', redis: 'unavailable' });
    expect(health.body).toMatchObject(errorShape('SERVICE_UNAVAILABLE'));
    expect(health.body.error.message).toMatch(/Redis/);
    expect(healthMs).toBeLessThan(2500);

    const [stats, statsMs] = await timed(() => api.request('GET', '/api/dashboard/stats'));
    expect(stats.status).toBe(503);
    expect(stats.body).toEqual(errorShape('SERVICE_UNAVAILABLE'));
    expect(statsMs).toBeLessThan(2500);
    const [execute, executeMs] = await timed(() => api.request('POST', `/api/tasks/${task.id}/execute`));
    expect(execute.status).toBe(503);
    expect(executeMs).toBeLessThan(2500);
    expect((await api.request<Task>('GET', `/api/tasks/${task.id}`)).body.task_status).toBe('ready');
    // A test request goes through flow control, kept in Redis: refused, nothing sent.
    const [sendTest, sendTestMs] = await timed(() =>
      api.request('POST', '/api/webhooks/test', { body: { webhook_url: 'http://127.0.0.1:9/hook' } }),
    );
    expect(sendTest.status).toBe(503);
    expect(sendTest.body).toEqual(errorShape('SERVICE_UNAVAILABLE'));
    expect(sendTestMs).toBeLessThan(2500);
    // Rate limiting is skipped while Redis is away; reading and writing tasks goes on.
    expect((await api.request('GET', '/api/tasks')).status).toBe(200);

    await proxy.redis.restore();
    await waitFor(
      'health to recover',
      async () => (await api.request('GET', '/health')).status === 200,
      15_000,
    );
    expect((await api.request('GET', '/api/dashboard/stats')).status).toBe(200);
    expect((await api.request('POST', `/api/tasks/${task.id}/execute`)).status).toBe(202);
  });

  test('PostgreSQL down: health 503 naming PostgreSQL, task routes 503; then it recovers', async () => {
    await proxy.postgres.cut();
    const health = await api.request<ApiErrorBody>('GET', '/health', { key: null });
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', postgres: 'unavailable', redis: 'ok' });
    expect(health.body.error.message).toMatch(/PostgreSQL/);
    const [list, listMs] = await timed(() => api.request<ApiErrorBody>('GET', '/api/tasks'));
    expect(list.status).toBe(503);
    expect(list.body).toEqual(errorShape('SERVICE_UNAVAILABLE'));
    expect(list.body.error.details).toEqual({ postgres: 'unavailable' });
    expect(listMs).toBeLessThan(4000);

    await proxy.postgres.restore();
    await waitFor(
      'health to recover',
      async () => (await api.request('GET', '/health')).status === 200,
      15_000,
    );
    expect((await api.request('GET', '/api/tasks')).status).toBe(200);
  });
});

test('started while Redis is down: answers 503 quickly instead of hanging, and serves once Redis is back', async () => {
  const proxy = await proxies(true);
  const api = await startApi({ env: () => ({ REDIS_URL: through(loadConfig().redisUrl, proxy.redis) }) });
  try {
    const [stats, ms] = await timed(() => api.request('GET', '/api/dashboard/stats'));
    expect(stats.status).toBe(503);
    expect(ms).toBeLessThan(2500);
    expect((await api.request('GET', '/health')).status).toBe(503);
    await proxy.redis.restore();
    await waitFor(
      'stats to answer',
      async () => (await api.request('GET', '/api/dashboard/stats')).status === 200,
      15_000,
    );
  } finally {
    await api.stop();
    await proxy.redis.close();
    await proxy.postgres.close();
  }
});

test('a database never migrated: health 503 saying to run the migrations, not ok', async () => {
  const api = await startApi();
  try {
    // Its Redis connection up first (a loaded machine may take over a second to open it).
    await waitFor(
      'Redis answering the new API',
      async () =>
        (await api.request<{ redis?: string }>('GET', '/health', { key: null })).body.redis === 'ok',
    );
    // As if `npm run db:migrate` had never run against it.
    await sql`DROP TABLE task_logs, task_runs, tasks CASCADE`.execute(api.database.db);

    const health = await api.request<ApiErrorBody>('GET', '/health', { key: null });

    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', postgres: 'unavailable', redis: 'ok' });
    expect(health.body.error.message).toMatch(/PostgreSQL .*not migrated .*npm run db:migrate/);
  } finally {
    await api.stop();
  }
});
