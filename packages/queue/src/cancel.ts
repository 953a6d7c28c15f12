import type { DeliveryQueue, Redis } from './connection';
import { destinationKeys } from './flow-keys';

/**
 * The pub/sub channel on which a cancel is announced to every worker (SPEC §11:
 * an attempt in flight is aborted within 1 s on whichever worker holds it).
 * The message is the run id. The database decides what is cancelled; this only
 * makes workers stop sooner.
 */
export function runCancelledChannel(prefix: string): string {
  return `${prefix}:runs:cancelled`;
}

/**
 * Takes a cancelled run's job out of the queue, or tells every worker to abort
 * it when one holds it now. A job that escapes both (Redis briefly out of
 * reach) is dropped by the worker when it finds its run ended.
 */
export async function withdrawRun(
  queue: DeliveryQueue,
  redis: Redis,
  prefix: string,
  runId: string,
  jobId: string | null,
): Promise<void> {
  if (jobId) {
    // A run put off at its destination is counted there as waiting (SPEC §12) until it is
    // taken out too; the job says which destination.
    const destination = (await queue.getJob(jobId).catch(() => undefined))?.data.destination;
    // remove() refuses a job a worker holds (it is locked): that one is aborted instead.
    await queue.remove(jobId).catch(() => 0);
    if (destination) {
      const { waiting } = destinationKeys(prefix, destination);
      await redis
        .multi()
        .zrem(waiting, jobId)
        .zrem(`${waiting}:prio`, jobId)
        .exec()
        .catch(() => undefined);
    }
  }
  await redis.publish(runCancelledChannel(prefix), runId);
}
