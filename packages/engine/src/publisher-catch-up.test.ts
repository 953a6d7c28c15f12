import { createLogger } from '@scheduler/config';
import { createDeliveryQueue, type DeliveryQueue, type Redis } from '@scheduler/queue';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  clearPrefix,
  createTestDatabase,
  type TestDatabase,
  testRedis,
  uniquePrefix,
} from '@scheduler/test-support';
import { Publisher } from './publisher';

/** The publisher's claim with SPEC §13's execution control, against the real schema. */
let t: TestDatabase;
let redis: Redis;
let prefix: string;
let queue: DeliveryQueue;
const logger = createLogger('test', { logLevel: 'fatal', logFormat: 'json' });
let clock = new Date('2030-01-01T05:20:00.000Z');

const publisher = () =>
  new Publisher({
    tasks: t.tasks,
    runs: t.runs,
    queue,
    logger,
    intervalMs: 1000,
    retryBackoffMs: 100,
    now: () => clock,
  });

beforeAll(async () => {
  t = await createTestDatabase();
  redis = testRedis();
});
afterAll(async () => {
  await queue?.close();
  await clearPrefix(redis, prefix);
  await redis?.quit();
  await t?.drop();
});
beforeEach(async () => {
  await t.db.deleteFrom('tasks').execute();
  if (queue) {
    await queue.close();
    await clearPrefix(redis, prefix);
  }
  prefix = uniquePrefix();
  queue = createDeliveryQueue(redis, prefix);
  clock = new Date('2030-01-01T05:20:00.000Z');
});

/** An hourly task due at 01:00, claimed at 05:20: four hours of a publisher outage. */
const hourly = (fields: Partial<Parameters<TestDatabase['tasks']['create']>[0]> = {}) =>
  t.tasks.create({
    task_name: 'hourly',
    task_schedule: '0 * * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
    next_run_at: new Date('2030-01-01T01:00:00Z'),
    ...fields,
  });

/** Ends the task's run in flight as delivered, as a worker would, so the next can be claimed. */
async function finishRun(taskId: string): Promise<void> {
  await t.db
    .updateTable('task_runs')
    .set({ status: 'finish', finished_at: clock })
    .where('task_id', '=', taskId)
    .where('finished_at', 'is', null)
    .execute();
  await t.db
    .updateTable('tasks')
    .set({ task_status: 'ready', job_id: null })
    .where('id', '=', taskId)
    .execute();
}

async function scheduledFor(taskId: string): Promise<string[]> {
  const runs = await t.db
    .selectFrom('task_runs')
    .select('scheduled_for')
    .where('task_id', '=', taskId)
    .orderBy('created_at')
    .orderBy('scheduled_for')
    .execute();
  return runs.map((r) => r.scheduled_for.toISOString());
}

describe('catch_up after an outage', () => {
  test('latest: one run, for the latest missed instant', async () => {
    const task = await hourly();
    await publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T05:00:00.000Z']);
    expect((await t.tasks.findById(task.id))?.next_run_at).toEqual(new Date('2030-01-01T06:00:00Z'));
  });

  test('none: no run; the next is the next future instant', async () => {
    const task = await hourly({ catch_up: 'none' });
    await publisher().tick();
    expect(await scheduledFor(task.id)).toEqual([]);
    const stored = await t.tasks.findById(task.id);
    expect(stored).toMatchObject({ task_status: 'ready', next_run_at: new Date('2030-01-01T06:00:00Z') });
  });

  test('all: one run per missed instant, oldest first, back to back', async () => {
    const task = await hourly({ catch_up: 'all' });
    for (let i = 0; i < 7; i += 1) {
      await publisher().tick();
      await finishRun(task.id);
    }
    expect(await scheduledFor(task.id)).toEqual(
      ['01', '02', '03', '04', '05'].map((h) => `2030-01-01T${h}:00:00.000Z`),
    );
    expect((await t.tasks.findById(task.id))?.next_run_at).toEqual(new Date('2030-01-01T06:00:00Z'));
  });
});

describe('pause, range and jitter in the claim', () => {
  test('a paused task is not claimed; once the pause ends it catches up and the pause clears', async () => {
    const task = await hourly({ paused_until: new Date('2030-01-01T06:30:00Z') });
    await publisher().tick();
    expect(await scheduledFor(task.id)).toEqual([]);
    clock = new Date('2030-01-01T06:30:00.500Z');
    await publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T06:00:00.000Z']);
    expect((await t.tasks.findById(task.id))?.paused_until).toBeNull();
  });

  test('the last run inside ends_at leaves next_run_at null, and nothing claims it again', async () => {
    const task = await hourly({ ends_at: new Date('2030-01-01T05:30:00Z') });
    await publisher().tick();
    await finishRun(task.id);
    clock = new Date('2030-01-01T07:00:00Z');
    await publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T05:00:00.000Z']);
    expect((await t.tasks.findById(task.id))?.next_run_at).toBeNull();
  });

  test('jitter: scheduled_for is the nominal instant; next_run_at the jittered next one', async () => {
    const { dueAt } = await import('@scheduler/core');
    const task = await hourly({ jitter_ms: 1_200_000, next_run_at: null });
    const due = dueAt(task, new Date('2030-01-01T05:00:00Z'));
    await t.db.updateTable('tasks').set({ next_run_at: due }).where('id', '=', task.id).execute();
    clock = new Date(due.getTime() + 100);
    await publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T05:00:00.000Z']);
    expect((await t.tasks.findById(task.id))?.next_run_at).toEqual(
      dueAt(task, new Date('2030-01-01T06:00:00Z')),
    );
  });

  test('deliver_within_ms: the deadline counts from the jittered instant the run came due', async () => {
    const { dueAt } = await import('@scheduler/core');
    const task = await hourly({ jitter_ms: 600_000, deliver_within_ms: 30_000, next_run_at: null });
    const due = dueAt(task, new Date('2030-01-01T05:00:00Z'));
    await t.db.updateTable('tasks').set({ next_run_at: due }).where('id', '=', task.id).execute();
    clock = new Date(due.getTime() + 100);
    await publisher().tick();
    const run = await t.db
      .selectFrom('task_runs')
      .selectAll()
      .where('task_id', '=', task.id)
      .executeTakeFirst();
    expect(run?.deliver_by).toEqual(new Date(due.getTime() + 30_000));
  });
});
