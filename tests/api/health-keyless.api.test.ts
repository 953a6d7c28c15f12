import { sql } from 'kysely';
import { loadConfig } from '@scheduler/config';
import { startTcpProxy, through, waitFor } from '@scheduler/test-support';
import { expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, startApi } from './api-harness';

const redisTarget = new URL(loadConfig().redisUrl);
const postgresTarget = new URL(loadConfig().databaseUrl);

/** What a keyless /health answer must never carry: an address, a port, a driver's words. */
function expectNothingInternal(body: unknown, ports: number[]): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|ECONN|connect |timeout exceeded|relation|does not exist/i);
  for (const port of ports) expect(text).not.toContain(String(port));
}

test('started while PostgreSQL is out of reach: the API starts, answers 503, and /health names components only', async () => {
  const postgres = await startTcpProxy(postgresTarget.hostname, Number(postgresTarget.port || 5432), true);
  const redis = await startTcpProxy(redisTarget.hostname, Number(redisTarget.port || 6379));
  const api = await startApi({
    env: (database) => ({
      DATABASE_URL: through(database.url, postgres),
      REDIS_URL: through(loadConfig().redisUrl, redis),
    }),
  });
  try {
    // Redis connects in the background at start; PostgreSQL stays out of reach.
    const health = await waitFor(
      'Redis to be connected',
      async () => {
        const response = await api.request<ApiErrorBody & { redis: string }>('GET', '/health', { key: null });
        return response.body.redis === 'ok' && response;
      },
      10_000,
    );
    expect(health.status).toBe(503);
    expect(health.body).toEqual({
      status: 'unavailable',
      postgres: 'unavailable',
      redis: 'ok',
      publishers: 0,
      workers: 0,
      ...errorShape('SERVICE_UNAVAILABLE'),
    });
    expect(health.body.error.message).toBe('PostgreSQL cannot be reached: try again shortly.');
    expect(health.body.error.details).toEqual({ postgres: 'unavailable' });
    expectNothingInternal(health.body, [postgres.port, redis.port]);
    // With the key too: a 503 says which component, never where it is or what the driver said.
    const list = await api.request<ApiErrorBody>('GET', '/api/tasks');
    expect(list.status).toBe(503);
    expect(list.body.error.message).toBe('PostgreSQL cannot be reached right now: try again shortly.');
    expectNothingInternal(list.body, [postgres.port, redis.port]);
    await api.process.waitForOutput(
      /GET \/api\/tasks: PostgreSQL cannot be reached right now: try again shortly\. \(.+\)/,
      5000,
    );

    await redis.cut();
    const both = await api.request<ApiErrorBody>('GET', '/health', { key: null });
    expect(both.body).toMatchObject({ status: 'unavailable', postgres: 'unavailable', redis: 'unavailable' });
    expect(both.body.error.details).toEqual({ postgres: 'unavailable', redis: 'unavailable' });
    expectNothingInternal(both.body, [postgres.port, redis.port]);
    // The operator finds the cause in the API's log, once.
    expect(api.process.output()).toMatch(/health: PostgreSQL cannot be reached \(.+\)/);

    await postgres.restore();
    await redis.restore();
    await waitFor(
      'health to recover',
      async () => (await api.request('GET', '/health', { key: null })).status === 200,
      15_000,
    );
  } finally {
    await api.stop();
    await postgres.close();
    await redis.close();
  }
});

test('a database never migrated: /health says to migrate, without the driver message', async () => {
  const api = await startApi();
  try {
    await sql`DROP TABLE task_logs, task_runs, tasks CASCADE`.execute(api.database.db);
    // Redis connects in the background at start; PostgreSQL stays out of reach.
    const health = await waitFor(
      'Redis to be connected',
      async () => {
        const response = await api.request<ApiErrorBody & { redis: string }>('GET', '/health', { key: null });
        return response.body.redis === 'ok' && response;
      },
      10_000,
    );
    expect(health.status).toBe(503);
    expect(health.body.error.message).toMatch(/PostgreSQL answers, but the database is not migrated/);
    expectNothingInternal(health.body, []);
  } finally {
    await api.stop();
  }
});
