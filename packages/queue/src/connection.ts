import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { DELIVERY_QUEUE, type DeliveryJobData } from './delivery-job';

export type { Redis };

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ
 * workers require: a command waits for Redis to come back instead of failing.
 */
export function createRedisConnection(redisUrl: string): Redis {
  const connection = new IORedis(redisUrl, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  });
  // Reconnection is automatic; an 'error' event without a listener would crash the process.
  connection.on('error', () => undefined);
  return connection;
}

/**
 * A Redis connection for request/response callers (the API: run now, queue depth,
 * rate limits, health). While Redis is down a command fails within about a second
 * instead of waiting for it to come back, so a request can answer 503 at once and
 * the process stays responsive; reconnection is still automatic. Not for workers.
 */
export function createFailFastRedisConnection(redisUrl: string): Redis {
  const connection = new IORedis(redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // The ready check's INFO, refused while the stream is down (no offline
    // queue), would surface as an unhandled rejection and end the process.
    enableReadyCheck: false,
    connectTimeout: 1000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  connection.on('error', () => undefined);
  return connection;
}

/**
 * A Redis connection for a one-shot command (`scheduler tasks run`): commands
 * wait while it connects, but a Redis that does not answer ends them with an
 * error after a few tries (about 2 s) instead of leaving the command hanging.
 */
export function createOneShotRedisConnection(redisUrl: string): Redis {
  const connection = new IORedis(redisUrl, {
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 5000,
    // No number: ioredis stops reconnecting and fails what waits ("Connection is closed").
    retryStrategy: (attempt) => (attempt > 3 ? null : attempt * 200),
  });
  connection.on('error', () => undefined);
  return connection;
}

// What ioredis and BullMQ say when Redis is out of reach.
const REDIS_DOWN =
  /enableOfflineQueue|Connection is closed|Command timed out|Reached the max retries per request/;

/** Whether an error means Redis cannot be reached right now (not a fault of the command). */
export function isRedisUnavailable(error: unknown): boolean {
  return (
    error instanceof Error && (REDIS_DOWN.test(error.message) || error.name === 'MaxRetriesPerRequestError')
  );
}

export type DeliveryQueue = Queue<DeliveryJobData, void, string>;

export function createDeliveryQueue(connection: Redis, prefix: string): DeliveryQueue {
  return new Queue<DeliveryJobData, void, string>(DELIVERY_QUEUE, { connection, prefix });
}
