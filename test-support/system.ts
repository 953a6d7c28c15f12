import { loadConfig } from '@scheduler/config';
import { DependencyRepository } from '@scheduler/db';
import { createDeliveryQueue, type DeliveryQueue, type Redis } from '@scheduler/queue';
import { parseAllowList } from '@scheduler/core';
import { TaskService } from '@scheduler/services';
import { createTestDatabase, type TestDatabase } from './database';
import {
  baseEnv,
  dummyWebhookMain,
  freePort,
  type RunningProcess,
  schedulerBin,
  startProcess,
  TEST_ALLOWED_HOSTS,
} from './processes';
import { clearPrefix, testRedis, uniquePrefix } from './redis';

export interface SystemOptions {
  /** DUMMY_WEBHOOK_FAIL_ON; default none. */
  failOn?: string;
  /** DUMMY_WEBHOOK_LATENCY_MS; default 0. */
  latencyMs?: string;
  retryBackoffMs?: number;
  publishers?: number;
  workers?: number;
}

/** The spine as a user runs it: the dummy webhook, publishers and workers as processes, on a database and Redis prefix of the test's own. */
export interface SystemUnderTest {
  database: TestDatabase;
  prefix: string;
  redis: Redis;
  queue: DeliveryQueue;
  taskService: TaskService;
  env: NodeJS.ProcessEnv;
  dummy: RunningProcess;
  webhookUrl: string;
  dummyUrl: string;
  publishers: RunningProcess[];
  workers: RunningProcess[];
  /** A publisher process; `env` replaces some of the system's settings (a DATABASE_URL through a proxy, say). */
  startPublisher(env?: Record<string, string>): Promise<RunningProcess>;
  /** A worker process, `env` as for startPublisher. */
  startWorker(env?: Record<string, string>): Promise<RunningProcess>;
  dummyCount(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSystem(options: SystemOptions = {}): Promise<SystemUnderTest> {
  const database = await createTestDatabase();
  const prefix = uniquePrefix();
  const redis = testRedis();
  const queue = createDeliveryQueue(redis, prefix);
  const retryBackoffMs = options.retryBackoffMs ?? 200;
  const taskService = new TaskService({
    dependencies: new DependencyRepository(database.db),
    tasks: database.tasks,
    attempts: database.attempts,
    runs: database.runs,
    queue,
    redis,
    prefix,
    retryBackoffMs,
    allowList: parseAllowList(TEST_ALLOWED_HOSTS),
  });
  const port = await freePort();
  const env = baseEnv({
    DATABASE_URL: database.url,
    REDIS_URL: loadConfig().redisUrl,
    REDIS_PREFIX: prefix,
    RETRY_BACKOFF_MS: String(retryBackoffMs),
    DUMMY_WEBHOOK_PORT: String(port),
    DUMMY_WEBHOOK_FAIL_ON: options.failOn ?? '',
    DUMMY_WEBHOOK_LATENCY_MS: options.latencyMs ?? '0',
    WEBHOOK_TIMEOUT_MS: '10000',
  });
  const dummy = startProcess('dummy-webhook', dummyWebhookMain, [], env);
  try {
    await dummy.waitForOutput(/listening/);
  } catch (error) {
    await dummy.stop('SIGKILL');
    await queue.close();
    await redis.quit();
    await database.drop();
    throw error;
  }
  const publishers: RunningProcess[] = [];
  const workers: RunningProcess[] = [];
  const system: SystemUnderTest = {
    database,
    prefix,
    redis,
    queue,
    taskService,
    env,
    dummy,
    dummyUrl: `http://127.0.0.1:${port}`,
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    publishers,
    workers,
    async startPublisher(overrides = {}) {
      const publisher = startProcess(`publisher-${publishers.length + 1}`, schedulerBin, ['publisher'], {
        ...env,
        ...overrides,
      });
      publishers.push(publisher);
      await publisher.waitForOutput(/publisher started/);
      return publisher;
    },
    async startWorker(overrides = {}) {
      const worker = startProcess(`worker-${workers.length + 1}`, schedulerBin, ['worker'], {
        ...env,
        ...overrides,
      });
      workers.push(worker);
      await worker.waitForOutput(/worker started/);
      return worker;
    },
    async dummyCount() {
      const response = await fetch(`${system.dummyUrl}/stats`);
      return ((await response.json()) as { count: number }).count;
    },
    async stop() {
      await Promise.all([...publishers, ...workers, dummy].map((p) => p.stop('SIGTERM')));
      await queue.close();
      await clearPrefix(redis, prefix);
      await redis.quit();
      await database.drop();
    },
  };
  try {
    for (let i = 0; i < (options.publishers ?? 1); i++) await system.startPublisher();
    for (let i = 0; i < (options.workers ?? 1); i++) await system.startWorker();
  } catch (error) {
    // Leave nothing behind when the system cannot start: processes, database, Redis keys.
    await system.stop().catch(() => undefined);
    throw error;
  }
  return system;
}
