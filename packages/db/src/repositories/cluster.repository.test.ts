import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';
import { ClusterRepository } from './cluster.repository';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** A task claimed `minutes` ago: running, its run queued with no attempt started. */
async function queued(name: string, run: { minutes: number; dueAt?: Date; trigger?: 'schedule' | 'manual' }) {
  const task = await t.tasks.create({
    task_name: name,
    task_schedule: '0 * * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
    task_status: 'running',
    job_id: `job-${name}`,
  });
  await t.runs.create({
    task_id: task.id,
    scheduled_for: minutesAgo(run.minutes),
    due_at: run.dueAt ?? null,
    trigger: run.trigger ?? 'schedule',
    status: 'queued',
  });
  return task;
}

test('a queued run is late from when it came due, and not while it waits for a dependency in flight (SPEC §15)', async () => {
  const cluster = new ClusterRepository(t.db);
  // Its instant was 10 minutes ago, but its jitter made it come due 10 s ago: not late yet.
  await queued('jittered', { minutes: 10, dueAt: new Date(Date.now() - 10_000) });
  const stuck = await queued('stuck', { minutes: 10 });
  // Its dependency's latest run is still in flight: its run waits at the gate, not late.
  const dependency = await queued('dependency', { minutes: 0 });
  const gated = await queued('gated', { minutes: 10 });
  await t.dependencies.replace(gated.id, [dependency.id]);
  // A run now passes no gate: waiting for nothing, it is late.
  const manual = await queued('manual', { minutes: 10, trigger: 'manual' });
  await t.dependencies.replace(manual.id, [dependency.id]);

  const late = await cluster.lateTasks(60_000, 100);
  expect(late.map((task) => task.task_name).sort()).toEqual(['manual', 'stuck']);
  // Late for its due instant, here its scheduled_for.
  const [stuckRun] = (await t.runs.list({ page: 1, limit: 1, taskId: stuck.id })).rows;
  expect(late.find((task) => task.task_id === stuck.id)?.due_at).toEqual(stuckRun?.scheduled_for);
  expect((await cluster.snapshot(60_000)).lateTasks).toBe(2);

  // Its dependency ended: the gated run no longer waits for it, and is late.
  await t.db
    .updateTable('task_runs')
    .set({ status: 'finish', finished_at: new Date() })
    .where('task_id', '=', dependency.id)
    .execute();
  expect((await cluster.lateTasks(60_000, 100)).map((task) => task.task_name).sort()).toEqual([
    'gated',
    'manual',
    'stuck',
  ]);
  expect((await cluster.snapshot(60_000)).lateTasks).toBe(3);
});

test('a ready task its own slow run held is not late until LATE_ALERT_AFTER_MS after that run ended', async () => {
  const cluster = new ClusterRepository(t.db);
  const ready = async (name: string, runEnded: Date) => {
    const task = await t.tasks.create({
      task_name: name,
      task_schedule: '*/5 * * * * *',
      webhook_url: 'http://127.0.0.1:4000/webhook',
      json_payload: '{}',
      next_run_at: minutesAgo(10),
    });
    await t.runs.create({
      task_id: task.id,
      scheduled_for: minutesAgo(11),
      trigger: 'schedule',
      status: 'finish',
      finished_at: runEnded,
    });
    return task;
  };
  // Both are due since ten minutes; one's run ended 5 s ago, the other's ten minutes ago.
  const slow = await ready('slow run just ended', new Date(Date.now() - 5_000));
  await ready('not claimed', minutesAgo(10));
  const names = (await cluster.lateTasks(60_000, 100)).map((task) => task.task_name);
  expect(names).toContain('not claimed');
  expect(names).not.toContain('slow run just ended');
  const before = (await cluster.snapshot(60_000)).lateTasks;
  // A minute on, it is late like any other.
  await t.db
    .updateTable('task_runs')
    .set({ finished_at: minutesAgo(2) })
    .where('task_id', '=', slow.id)
    .execute();
  expect((await cluster.lateTasks(60_000, 100)).map((task) => task.task_name)).toContain(
    'slow run just ended',
  );
  expect((await cluster.snapshot(60_000)).lateTasks).toBe(before + 1);
});
