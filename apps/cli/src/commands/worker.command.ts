import { Command } from '@commander-js/extra-typings';
import { loadConfigOrExit } from '@scheduler/config';
import { DependencyRepository } from '@scheduler/db';
import { createContext } from '../context';
import { DeliveryWorker, WebhookClient } from '@scheduler/engine';
import { positiveInt } from './options';
import { runUntilSignal } from './run-until-signal';

/** An attempt write is one short statement: one still running after this is cancelled and tried again. */
const WORKER_STATEMENT_TIMEOUT_MS = 30_000;

export function workerCommand(): Command {
  return new Command('worker')
    .description('deliver queued runs: POST each payload, log every attempt, retry failures')
    .option(
      '--concurrency <n>',
      'deliveries in flight (default: WORKER_CONCURRENCY)',
      positiveInt('--concurrency'),
    )
    .action((options) => {
      const config = loadConfigOrExit();
      const concurrency = options.concurrency ?? config.workerConcurrency;
      const context = createContext(config, 'worker', {
        poolSize: Math.min(50, concurrency + 2),
        statementTimeoutMs: WORKER_STATEMENT_TIMEOUT_MS,
      });
      const webhooks = new WebhookClient(config.webhookTimeoutMs);
      const worker = new DeliveryWorker({
        attempts: context.attempts,
        runs: context.runs,
        dependencies: new DependencyRepository(context.db),
        dependencyWaitMs: config.dependencyWaitMs,
        webhooks,
        connection: context.redis,
        prefix: config.redisPrefix,
        concurrency,
        retryBackoffMs: config.retryBackoffMs,
        logger: context.logger,
      });
      worker.start();
      context.logger.info(`worker started: up to ${concurrency} deliveries in flight`);
      const graceMs = config.webhookTimeoutMs + 5_000;
      // Bounded even when Redis or PostgreSQL is out of reach and closing would wait for it.
      runUntilSignal(
        context.logger,
        async () => {
          await worker.stop(graceMs);
          await webhooks.close();
          await context.close();
        },
        graceMs + 10_000,
      );
    });
}
