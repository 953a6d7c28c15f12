import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { DELIVERY_QUEUE, type DeliveryJobData } from './delivery-job';

export type { Redis };

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ
 * workers require: a command waits for Redis to come back instead of failing.
 */
export function createRedisConnection(redisUrl: string): Redis {
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true });
  // Reconnection is automatic; an 'error' event without a listener would crash the process.
  connection.on('error', () => undefined);
  return connection;
}

export type DeliveryQueue = Queue<DeliveryJobData, void, string>;

export function createDeliveryQueue(connection: Redis, prefix: string): DeliveryQueue {
  return new Queue<DeliveryJobData, void, string>(DELIVERY_QUEUE, { connection, prefix });
}
