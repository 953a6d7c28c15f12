import { clearPrefix, testRedis, uniquePrefix } from '@scheduler/test-support';
import { afterAll, expect, test } from 'vitest';
import { createDeliveryQueue } from './connection';
import { enqueueDeliveries } from './enqueue';
import { destinationKeys } from './flow-keys';
import { withdrawRun } from './cancel';

const redis = testRedis();
const prefix = uniquePrefix();
const queue = createDeliveryQueue(redis, prefix);

afterAll(async () => {
  await queue.close();
  await clearPrefix(redis, prefix);
  await redis.quit();
});

test('a cancelled run put off at its destination leaves the queue and no longer counts as waiting there (SPEC §12)', async () => {
  const destination = 'http://127.0.0.1:4000';
  const scheduledFor = new Date('2026-12-08T10:00:00Z');
  const run = {
    runId: 'run-1',
    taskId: 'task-1',
    scheduledFor,
    maxRetry: 0,
    trigger: 'manual' as const,
    destination,
  };
  await enqueueDeliveries(queue, [run], 1000);
  const jobId = `task-1_${scheduledFor.getTime()}`;
  // As the admission script leaves a run it put off: waiting until a hold ends, with its priority.
  const { waiting } = destinationKeys(prefix, destination);
  await redis.zadd(waiting, Date.now() + 60_000, jobId);
  await redis.zadd(`${waiting}:prio`, 5, jobId);

  await withdrawRun(queue, redis, prefix, 'run-1', jobId);

  expect(await queue.getJob(jobId)).toBeUndefined();
  expect(await redis.zscore(waiting, jobId)).toBeNull();
  expect(await redis.zscore(`${waiting}:prio`, jobId)).toBeNull();
});
