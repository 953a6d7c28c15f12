import { type Config, createLogger, type Logger } from '@scheduler/config';
import { parseAllowList } from '@scheduler/core';
import {
  AttemptRepository,
  createDatabase,
  type Database,
  DestinationRepository,
  DependencyRepository,
  RunRepository,
  TaskRepository,
} from '@scheduler/db';
import {
  createDeliveryQueue,
  createRedisConnection,
  type DeliveryQueue,
  EventPublisher,
  announceLimitsChanged,
  readDestinationStates,
  type Redis,
} from '@scheduler/queue';
import { type Lease, storedFlowControl, WebhookClient } from '@scheduler/engine';
import { DestinationService, RunService, TaskService, WebhookTestService } from '@scheduler/services';

/** Everything a command needs, built with plain constructors; `close()` releases it all. */
export interface Context {
  config: Config;
  logger: Logger;
  db: Database;
  /** Opened on first use: most task commands never touch Redis. */
  readonly redis: Redis;
  readonly queue: DeliveryQueue;
  tasks: TaskRepository;
  attempts: AttemptRepository;
  runs: RunRepository;
  dependencies: DependencyRepository;
  taskService: TaskService;
  runService: RunService;
  destinationService: DestinationService;
  /** "Send test" (SPEC §14): its client is made on first use. */
  readonly webhookTestService: WebhookTestService;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** PostgreSQL connections; defaults to 10. */
  poolSize?: number;
  /**
   * Opens the Redis connection: by default one that waits for Redis to come
   * back (the publisher and the worker); a one-shot command passes one that
   * gives up, so that it ends with an error instead of hanging.
   */
  connectRedis?: (redisUrl: string) => Redis;
  /** See DatabaseOptions.statementTimeoutMs. */
  statementTimeoutMs?: number;
}

export function createContext(config: Config, role: string, options: ContextOptions = {}): Context {
  const logger = createLogger(role, config);
  const db = createDatabase(config.databaseUrl, {
    max: options.poolSize ?? 10,
    statementTimeoutMs: options.statementTimeoutMs,
  });
  const tasks = new TaskRepository(db);
  const attempts = new AttemptRepository(db);
  const runs = new RunRepository(db);
  const dependencies = new DependencyRepository(db);
  // Redis is connected lazily: a command that ends while a connection it never
  // needed is still being set up would otherwise fail on closing it.
  let redis: Redis | undefined;
  let queue: DeliveryQueue | undefined;
  const connectRedis = options.connectRedis ?? createRedisConnection;
  const getRedis = () => (redis ??= connectRedis(config.redisUrl));
  const getQueue = () => (queue ??= createDeliveryQueue(getRedis(), config.redisPrefix));
  // Live events (SPEC §15): a change made here reaches the dashboards as one made in the API
  // does. Made at the first event, so a command that changes nothing never connects to Redis.
  let events: EventPublisher | undefined;
  const getEvents = () => (events ??= new EventPublisher(getRedis(), config.redisPrefix));
  const taskService = new TaskService({
    dependencies,
    tasks,
    attempts,
    runs,
    get queue() {
      return getQueue();
    },
    get redis() {
      return getRedis();
    },
    prefix: config.redisPrefix,
    retryBackoffMs: config.retryBackoffMs,
    allowList: parseAllowList(config.webhookAllowedHosts),
    timeoutMaxMs: config.webhookTimeoutMaxMs,
    get events() {
      return getEvents();
    },
  });
  const runService = new RunService({
    runs,
    tasks: taskService,
    get queue() {
      return getQueue();
    },
    get redis() {
      return getRedis();
    },
    prefix: config.redisPrefix,
    get events() {
      return getEvents();
    },
  });
  const destinationService = new DestinationService({
    destinations: new DestinationRepository(db),
    states: (keys) => readDestinationStates(getRedis(), config.redisPrefix, keys),
    defaultMaxConcurrency: config.destinationMaxConcurrency,
    announce: () => announceLimitsChanged(getRedis(), config.redisPrefix),
  });
  let webhooks: WebhookClient | undefined;
  let webhookTestService: WebhookTestService | undefined;
  let requestFlow: ReturnType<typeof storedFlowControl> | undefined;
  return {
    config,
    logger,
    db,
    destinationService,
    get webhookTestService() {
      webhooks ??= new WebhookClient(config.webhookTimeoutMs, {
        allowList: parseAllowList(config.webhookAllowedHosts),
      });
      // Through flow control (SPEC §12), as one more request to its destination, over the
      // stored limits (read before its first request).
      const gate = () =>
        (requestFlow ??= storedFlowControl(config, {
          redis: getRedis(),
          destinations: () => new DestinationRepository(db).list(),
          logger,
          leaseTtlMs: config.webhookTimeoutMaxMs + 5_000,
        }));
      return (webhookTestService ??= new WebhookTestService({
        tasks,
        webhooks,
        allowList: parseAllowList(config.webhookAllowedHosts),
        timeoutMaxMs: config.webhookTimeoutMaxMs,
        flow: {
          admit: async (destination, jobId) => {
            await gate().loaded;
            return gate().flow.admit(destination, jobId);
          },
          settle: (lease, httpStatus, signals) => gate().flow.settle(lease as Lease, httpStatus, signals),
        },
      }));
    },
    get redis() {
      return getRedis();
    },
    get queue() {
      return getQueue();
    },
    tasks,
    attempts,
    runs,
    dependencies,
    taskService,
    runService,
    async close() {
      requestFlow?.stop();
      // What a command changed goes out before the connection closes.
      events?.flush();
      if (webhooks) await webhooks.close();
      if (queue) await queue.close();
      if (redis) {
        const connection = redis;
        await connection.quit().catch(() => connection.disconnect());
      }
      await db.destroy();
    },
  };
}
