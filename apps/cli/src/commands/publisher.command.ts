import { Command } from '@commander-js/extra-typings';
import { loadConfigOrExit } from '@scheduler/config';
import { parseAllowList } from '@scheduler/core';
import { createContext } from '../context';
import {
  storedFlowControl,
  createAlerter,
  EngineMetrics,
  LateWatch,
  OutageLog,
  Publisher,
  WebhookClient,
} from '@scheduler/engine';
import { ClusterRepository, DestinationRepository } from '@scheduler/db';
import { EventPublisher, Heartbeat } from '@scheduler/queue';
import { startMetricsServer } from './metrics-server';
import { positiveInt } from './options';
import { runUntilSignal } from './run-until-signal';

/** A tick in flight, then the connections: past this a stop exits anyway (status 1). */
const STOP_DEADLINE_MS = 15_000;

export function publisherCommand(): Command {
  return new Command('publisher')
    .description('claim due tasks every tick and enqueue one delivery job per due instant')
    .option(
      '--interval <ms>',
      'tick length in milliseconds (default: PUBLISHER_INTERVAL_MS)',
      positiveInt('--interval'),
    )
    .option('--once', 'run a single tick, then exit')
    .action(async (options) => {
      const config = loadConfigOrExit();
      const context = createContext(config, 'publisher');
      const intervalMs = options.interval ?? config.publisherIntervalMs;
      const metrics = new EngineMetrics();
      const publisher = new Publisher({
        tasks: context.tasks,
        runs: context.runs,
        dependencies: context.dependencies,
        queue: context.queue,
        logger: context.logger,
        intervalMs,
        retryBackoffMs: config.retryBackoffMs,
        historyRetentionDays: config.historyRetentionDays,
        metrics,
        events: new EventPublisher(context.redis, config.redisPrefix),
      });
      if (options.once) {
        const result = await publisher.tick();
        context.logger.info(result, 'tick done');
        await context.close();
        return;
      }
      // Said at once, not only when a tick first enqueues: a publisher that cannot reach Redis is not healthy.
      const redisOutage = new OutageLog(
        context.logger,
        'Redis',
        'claimed runs wait to be enqueued until it answers',
      );
      context.redis.on('error', (error: Error) => redisOutage.failed(error));
      context.redis.on('ready', () => redisOutage.recovered());
      publisher.start();
      // Seen by the API's /health: a publisher alive (SPEC §15).
      const heartbeat = new Heartbeat(context.redis, config.redisPrefix, 'publisher');
      heartbeat.start();
      // Alerts of the late alarm go out from here, through the safe client (SPEC §14).
      const webhooks = new WebhookClient(config.webhookTimeoutMs, {
        allowList: parseAllowList(config.webhookAllowedHosts),
      });
      const alertFlow = storedFlowControl(config, {
        redis: context.redis,
        destinations: () => new DestinationRepository(context.db).list(),
        logger: context.logger,
      });
      const lateWatch = new LateWatch({
        cluster: new ClusterRepository(context.db),
        redis: context.redis,
        prefix: config.redisPrefix,
        lateAfterMs: config.lateAlertAfterMs,
        logger: context.logger,
        alerts: createAlerter(config, {
          webhooks,
          redis: context.redis,
          tasks: context.tasks,
          logger: context.logger,
          flow: alertFlow.flow,
        }),
      });
      lateWatch.start();
      const startedAt = performance.now();
      // Healthy while ticks succeed: a publisher that has not claimed for a few ticks
      // (PostgreSQL or Redis away, a tick stuck) says so to its health check.
      const staleAfterMs = Math.max(3 * intervalMs, 15_000);
      const metricsServer = await startMetricsServer(context, config.publisherMetricsPort, metrics, () => {
        const last = publisher.lastGoodTickAt ?? startedAt;
        return performance.now() - last <= staleAfterMs
          ? { healthy: true }
          : { healthy: false, reason: `no tick has succeeded for ${Math.round(staleAfterMs / 1000)} s` };
      });
      context.logger.info(`publisher started: ticking every ${intervalMs} ms on the wall-clock grid`);
      // Bounded even when Redis or PostgreSQL is out of reach and closing would wait for it.
      runUntilSignal(
        context.logger,
        async () => {
          await metricsServer?.stop();
          await heartbeat.stop();
          await lateWatch.stop();
          alertFlow.stop();
          await webhooks.close();
          await publisher.stop();
          await context.close();
        },
        STOP_DEADLINE_MS,
      );
    });
}
