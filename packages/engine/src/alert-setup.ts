import type { Config, Logger } from '@scheduler/config';
import type { DestinationRow, TaskRepository } from '@scheduler/db';
import type { Redis } from '@scheduler/queue';
import { Alerter } from './alerter';
import { FlowControl } from './flow-control/flow-control';
import { StoredLimits } from './flow-control/stored-limits';
import type { WebhookClient } from './webhook-client';

/** A process's alerter, from its settings (ALERT_*): the worker, a publisher and the API each make one. */
export function createAlerter(
  config: Pick<Config, 'alertWebhookUrl' | 'alertSigningSecret' | 'alertMaxPerMinute' | 'redisPrefix'>,
  deps: {
    webhooks: WebhookClient;
    redis: Redis;
    tasks: Pick<TaskRepository, 'alertTarget'>;
    logger: Logger;
    flow?: FlowControl;
  },
): Alerter {
  return new Alerter({
    flow: deps.flow,
    webhooks: deps.webhooks,
    redis: deps.redis,
    prefix: config.redisPrefix,
    globalUrl: config.alertWebhookUrl,
    globalSecret: config.alertSigningSecret,
    maxPerMinute: config.alertMaxPerMinute,
    target: (taskId) => deps.tasks.alertTarget(taskId),
    logger: deps.logger,
  });
}

/** A lease outlives an alert's request by this much at most (short: alerts are one request). */
const ALERT_LEASE_TTL_MS = 10_000;

/**
 * Flow control over the destinations' stored limits (read at once, again whenever a change
 * is announced, and every few seconds) and the defaults, for every process that sends
 * requests: a worker's deliveries, alerts (a publisher, the API) and "send test" (the API,
 * the CLI). `loaded` settles once the stored limits were first read: a short-lived sender
 * waits for it, so they apply to its first request.
 */
export function storedFlowControl(
  config: Pick<Config, 'redisPrefix' | 'destinationMaxConcurrency' | 'maxConcurrentDeliveries'>,
  deps: {
    redis: Redis;
    destinations: () => Promise<DestinationRow[]>;
    logger: Logger;
    /** How long a slot outlives a process that died with it (default: an alert's 10 s). */
    leaseTtlMs?: number;
  },
): { flow: FlowControl; loaded: Promise<void>; stop: () => void } {
  const storedLimits = new StoredLimits(deps.destinations, deps.logger);
  const loaded = storedLimits.start({ redis: deps.redis, prefix: config.redisPrefix }).catch(() => undefined);
  const flow = new FlowControl({
    storedLimits: (destination) => storedLimits.get(destination),
    redis: deps.redis,
    prefix: config.redisPrefix,
    leaseTtlMs: deps.leaseTtlMs ?? ALERT_LEASE_TTL_MS,
    defaultMaxConcurrency: config.destinationMaxConcurrency,
    maxConcurrentDeliveries: config.maxConcurrentDeliveries,
  });
  flow.start();
  return {
    flow,
    loaded,
    stop: () => {
      flow.stop();
      storedLimits.stop();
    },
  };
}
