import { randomUUID } from 'node:crypto';
import { loadConfig } from '@scheduler/config';
import { createRedisConnection, type Redis } from '@scheduler/queue';

/** A Redis key prefix of this test's own, so queues never mix across tests. */
export function uniquePrefix(): string {
  return `test-${randomUUID().slice(0, 8)}`;
}

export function testRedis(): Redis {
  return createRedisConnection(loadConfig().redisUrl);
}

/** Deletes every key under the prefix. */
export async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
