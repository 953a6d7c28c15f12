// A queue and a bare BullMQ worker child (bench/children/bullmq-worker.mjs) on a
// prefix of their own: the consumer of L1 and of the BullMQ peer designs.
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { startChild } from './child.mjs';

export function startBareBullmq({ resources, name, concurrency, autorun }) {
  const prefix = resources.prefix(name);
  const connection = new IORedis(resources.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('deliveries', { connection, prefix });
  const child = startChild('bullmq-worker', [
    '--redis',
    resources.redisUrl,
    '--prefix',
    prefix,
    '--queue',
    'deliveries',
    '--concurrency',
    String(concurrency),
    '--autorun',
    String(autorun),
  ]);
  return {
    queue,
    child,
    /** Stops the worker and removes everything it left under the prefix. */
    async stop() {
      await child.stop();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await connection.quit();
    },
  };
}
