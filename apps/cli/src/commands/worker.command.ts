import { Command } from '@commander-js/extra-typings';
import { loadConfigOrExit } from '@scheduler/config';
import { parseAllowList } from '@scheduler/core';
import { createContext } from '../context';
import { DestinationRepository } from '@scheduler/db';
import {
  createAlerter,
  DeliveryWorker,
  EngineMetrics,
  storedFlowControl,
  WebhookClient,
} from '@scheduler/engine';
import { createRedisConnection, EventPublisher, Heartbeat } from '@scheduler/queue';
import { startMetricsServer } from './metrics-server';
import { positiveInt } from './options';
import { runUntilSignal } from './run-until-signal';

/** An attempt write is one short statement: one still running after this is cancelled and tried again. */
const WORKER_STATEMENT_TIMEOUT_MS = 30_000;
/** A job's lock: a killed worker's job comes back after it, and so does its destination slot (its lease lives as long). */
const LOCK_DURATION_MS = 10_000;

export function workerCommand(): Command {
  return new Command('worker')
    .description('deliver queued runs: POST each payload, log every attempt, retry failures')
    .option(
      '--concurrency <n>',
      'deliveries in flight (default: WORKER_CONCURRENCY)',
      positiveInt('--concurrency'),
    )
    .action(async (options) => {
      const config = loadConfigOrExit();
      const concurrency = options.concurrency ?? config.workerConcurrency;
      const context = createContext(config, 'worker', {
        poolSize: Math.min(50, concurrency + 2),
        statementTimeoutMs: WORKER_STATEMENT_TIMEOUT_MS,
      });
      const webhooks = new WebhookClient(config.webhookTimeoutMs, {
        allowList: parseAllowList(config.webhookAllowedHosts),
      });
      // Flow control's scripts and live events, on a connection of their own. Both batch their
      // commands already (one script call for the admissions of a turn of the event loop, one
      // publish per 50 ms of events): ioredis's auto-pipelining on top only cost CPU, and let
      // one batch out at a time.
      const flowRedis = createRedisConnection(config.redisUrl);
      const destinations = new DestinationRepository(context.db);
      const { flow, stop: stopFlow } = storedFlowControl(config, {
        redis: flowRedis,
        destinations: () => destinations.list(),
        logger: context.logger,
        leaseTtlMs: LOCK_DURATION_MS,
      });
      const metrics = new EngineMetrics();
      const worker = new DeliveryWorker({
        flow,
        lockDurationMs: LOCK_DURATION_MS,
        attempts: context.attempts,
        runs: context.runs,
        dependencies: context.dependencies,
        dependencyWaitMs: config.dependencyWaitMs,
        webhooks,
        connection: context.redis,
        prefix: config.redisPrefix,
        concurrency,
        retryBackoffMs: config.retryBackoffMs,
        logger: context.logger,
        metrics,
        events: new EventPublisher(flowRedis, config.redisPrefix),
        alerts: createAlerter(config, {
          webhooks,
          redis: context.redis,
          tasks: context.tasks,
          logger: context.logger,
          flow,
        }),
      });
      worker.start();
      // Seen by the API's /health: a worker alive (SPEC §15).
      const heartbeat = new Heartbeat(context.redis, config.redisPrefix, 'worker');
      heartbeat.start();
      const metricsServer = await startMetricsServer(context, config.workerMetricsPort, metrics, () =>
        worker.liveness(),
      );
      context.logger.info(`worker started: up to ${concurrency} deliveries in flight`);
      const graceMs = config.webhookTimeoutMs + 5_000;
      // Bounded even when Redis or PostgreSQL is out of reach and closing would wait for it.
      runUntilSignal(
        context.logger,
        async () => {
          await metricsServer?.stop();
          await heartbeat.stop();
          await worker.stop(graceMs);
          stopFlow();
          await webhooks.close();
          await flowRedis.quit().catch(() => flowRedis.disconnect());
          await context.close();
        },
        graceMs + 10_000,
      );
    });
}
