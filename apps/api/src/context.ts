import type { Config, Logger } from '@scheduler/config';
import { parseAllowList } from '@scheduler/core';
import {
  AttemptRepository,
  ClusterRepository,
  createDatabase,
  DestinationRepository,
  type Database,
  HealthRepository,
  DependencyRepository,
  RunRepository,
  StatsRepository,
  TaskRepository,
} from '@scheduler/db';
import {
  createDeliveryQueue,
  createFailFastRedisConnection,
  EventPublisher,
  type DeliveryQueue,
  announceLimitsChanged,
  readDestinationStates,
  type Redis,
} from '@scheduler/queue';
import {
  AttemptService,
  DashboardService,
  DestinationService,
  RunService,
  TaskService,
  WebhookTestService,
} from '@scheduler/services';
import {
  type FlowControl,
  lateTasksNow,
  type Lease,
  storedFlowControl,
  WebhookClient,
} from '@scheduler/engine';
import { HealthService } from './health/health.service';
import { LiveEvents } from './events/live-events';
import { ClusterMetrics } from './metrics/cluster-metrics';

/** Everything the API serves from, built with plain constructors; Nest only receives it. */
export interface ApiContext {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  queue: DeliveryQueue;
  taskService: TaskService;
  attemptService: AttemptService;
  runService: RunService;
  dashboardService: DashboardService;
  destinationService: DestinationService;
  webhookTestService: WebhookTestService;
  /** The API's own requests (send test, alerts): its client and its flow control. */
  webhooks: WebhookClient;
  flow: FlowControl;
  healthService: HealthService;
  clusterMetrics: ClusterMetrics;
  liveEvents: LiveEvents;
  close(): Promise<void>;
}

export function createApiContext(config: Config, logger: Logger): ApiContext {
  // A query waiting longer than this for a connection means PostgreSQL is out of reach: 503.
  const db = createDatabase(config.databaseUrl, { max: 10, connectionTimeoutMillis: 3000 });
  const redis = createFailFastRedisConnection(config.redisUrl);
  const queue = createDeliveryQueue(redis, config.redisPrefix);
  const tasks = new TaskRepository(db);
  const attempts = new AttemptRepository(db);
  const runs = new RunRepository(db);
  const prefix = config.redisPrefix;
  const cluster = new ClusterRepository(db);
  const events = new EventPublisher(redis, prefix);
  const liveEvents = new LiveEvents(config.redisUrl, prefix, logger);
  const allowList = parseAllowList(config.webhookAllowedHosts);
  // The API's own requests — "send test" (SPEC §14) and alerts — go through the client
  // deliveries use (the same connect-time checks) and through flow control (SPEC §12).
  const webhooks = new WebhookClient(config.webhookTimeoutMs, { allowList });
  const destinations = new DestinationRepository(db);
  const requestFlow = storedFlowControl(config, {
    redis,
    destinations: () => destinations.list(),
    logger,
    // A test's slot lives as long as its request may: the longest timeout, and a margin.
    leaseTtlMs: config.webhookTimeoutMaxMs + 5_000,
  });
  // SPEC §15's late tasks, for /metrics and /health alike: PostgreSQL's count, less the runs
  // (among the first thousand) that wait at a held or busy destination (the late alarm's rule).
  const lateTasks = async (counted: number): Promise<number> => {
    if (counted === 0) return 0;
    const { late, looked } = await lateTasksNow({ cluster, redis, prefix }, config.lateAlertAfterMs, 1000);
    return Math.max(0, counted - (looked - late.length));
  };
  const destinationService = new DestinationService({
    destinations,
    states: (keys) => readDestinationStates(redis, prefix, keys),
    defaultMaxConcurrency: config.destinationMaxConcurrency,
    announce: () => announceLimitsChanged(redis, prefix),
  });
  const taskService = new TaskService({
    dependencies: new DependencyRepository(db),
    tasks,
    attempts,
    runs,
    queue,
    redis,
    prefix,
    retryBackoffMs: config.retryBackoffMs,
    allowList,
    events,
    timeoutMaxMs: config.webhookTimeoutMaxMs,
  });
  return {
    config,
    logger,
    db,
    redis,
    queue,
    taskService,
    attemptService: new AttemptService({ attempts, tasks: taskService }),
    runService: new RunService({ runs, tasks: taskService, queue, redis, prefix, events }),
    dashboardService: new DashboardService({ stats: new StatsRepository(db), queue }),
    destinationService,
    webhookTestService: new WebhookTestService({
      tasks,
      webhooks,
      allowList,
      timeoutMaxMs: config.webhookTimeoutMaxMs,
      flow: {
        admit: async (destination, jobId) => {
          await requestFlow.loaded;
          return requestFlow.flow.admit(destination, jobId);
        },
        settle: (lease, httpStatus, signals) => requestFlow.flow.settle(lease as Lease, httpStatus, signals),
      },
    }),
    healthService: new HealthService({
      database: new HealthRepository(db),
      cluster,
      redis,
      queue,
      prefix,
      lateAfterMs: config.lateAlertAfterMs,
      lateTasks,
      logger,
    }),
    clusterMetrics: new ClusterMetrics({
      cluster,
      queue,
      lateAfterMs: config.lateAlertAfterMs,
      destinationsHeld: () => destinationService.heldCount(),
      lateTasks,
    }),
    liveEvents,
    webhooks,
    flow: requestFlow.flow,
    async close() {
      events.flush();
      await liveEvents.close();
      // Let the queue's own connection set-up settle first (for at most a second):
      // closed half-way, its INFO is refused (no offline queue) and nobody handles that.
      await Promise.race([
        queue.waitUntilReady().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ]);
      await queue.close().catch(() => undefined);
      // QUIT needs a live connection (no offline queue); otherwise just drop the socket.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
      requestFlow.stop();
      await webhooks.close().catch(() => undefined);
      await db.destroy();
    },
  };
}
