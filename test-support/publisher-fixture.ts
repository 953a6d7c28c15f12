import { createLogger } from '@scheduler/config';
import { Publisher, type PublisherDeps } from '@scheduler/engine';
import { createDeliveryQueue, type DeliveryQueue, type Redis } from '@scheduler/queue';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database';
import { clearPrefix, testRedis, uniquePrefix } from './redis';

/** What a publisher test works with; each test starts on an empty database, a fresh queue and `startAt`. */
export interface PublisherFixture {
  t: TestDatabase;
  redis: Redis;
  prefix: string;
  queue: DeliveryQueue;
  /** The publisher's clock: tests move it. */
  clock: Date;
  /** A publisher on the fixture's database, queue and clock. */
  publisher(options?: Partial<PublisherDeps>): Publisher;
}

/** Registers the hooks of a publisher test file (real PostgreSQL and Redis) and returns its fixture. */
export function usePublisherFixture(startAt: Date): PublisherFixture {
  const logger = createLogger('test', { logLevel: 'fatal', logFormat: 'json' });
  const f = { clock: startAt, prefix: '' } as PublisherFixture;
  f.publisher = (options = {}) =>
    new Publisher({
      tasks: f.t.tasks,
      runs: f.t.runs,
      dependencies: f.t.dependencies,
      queue: f.queue,
      logger,
      intervalMs: 1000,
      retryBackoffMs: 100,
      now: () => f.clock,
      ...options,
    });
  beforeAll(async () => {
    f.t = await createTestDatabase();
    f.redis = testRedis();
  });
  afterAll(async () => {
    await f.queue?.close();
    if (f.prefix) await clearPrefix(f.redis, f.prefix);
    await f.redis?.quit();
    await f.t?.drop();
  });
  beforeEach(async () => {
    await f.t.db.deleteFrom('tasks').execute();
    if (f.queue) {
      await f.queue.close();
      await clearPrefix(f.redis, f.prefix);
    }
    f.prefix = uniquePrefix();
    f.queue = createDeliveryQueue(f.redis, f.prefix);
    f.clock = startAt;
  });
  return f;
}
