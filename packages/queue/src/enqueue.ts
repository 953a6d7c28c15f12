import type { DeliveryQueue } from './connection';
import { deliveryJobData, deliveryJobOptions, type DeliveryRun } from './delivery-job';

/** Adds one job per run in a single round trip; ids already present are ignored by BullMQ. */
export async function enqueueDeliveries(
  queue: DeliveryQueue,
  runs: DeliveryRun[],
  backoffMs: number,
): Promise<void> {
  if (runs.length === 0) return;
  await queue.addBulk(
    runs.map((run) => ({
      name: run.trigger,
      data: deliveryJobData(run),
      opts: deliveryJobOptions(run, backoffMs),
    })),
  );
}
