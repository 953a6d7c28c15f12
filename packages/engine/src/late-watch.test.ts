import { ClusterRepository } from '@scheduler/db';
import type { Redis } from '@scheduler/queue';
import {
  clearPrefix,
  createTestDatabase,
  lateQueuedRun,
  type TestDatabase,
  testRedis,
  uniquePrefix,
} from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FlowControl } from './flow-control/flow-control';
import { lateTasksNow } from './late-watch';

let t: TestDatabase;
let redis: Redis;
const prefix = uniquePrefix();

beforeAll(async () => {
  t = await createTestDatabase();
  redis = testRedis();
});
afterAll(async () => {
  await t?.drop();
  await clearPrefix(redis, prefix);
  await redis?.quit();
});

test('a run that flow control put off at a busy or held destination waits: it is not late (SPEC §15)', async () => {
  await lateQueuedRun(t, {
    task_name: 'behind a busy destination',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    job_id: 'job-waiting',
  });
  const deps = { cluster: new ClusterRepository(t.db), redis, prefix };
  const lateNames = async () => (await lateTasksNow(deps, 60_000, 100)).late.map((late) => late.task_name);
  expect(await lateNames()).toEqual(['behind a busy destination']);

  // One request in flight at a destination that takes one: the run is put off, and waits.
  const flow = new FlowControl({ redis, prefix, leaseTtlMs: 10_000, defaultMaxConcurrency: 1 });
  const destination = 'http://127.0.0.1:4000';
  const other = await flow.admit(destination, 'job-other');
  expect(other.kind).toBe('admitted');
  expect((await flow.admit(destination, 'job-waiting')).kind).toBe('wait');
  expect(await lateTasksNow(deps, 60_000, 100)).toEqual({ late: [], looked: 1 });

  // Admitted at last, its request about to go out: until it starts, it is late again.
  if (other.kind === 'admitted') await flow.settle(other.lease, 204);
  expect((await flow.admit(destination, 'job-waiting')).kind).toBe('admitted');
  expect(await lateNames()).toEqual(['behind a busy destination']);
});
