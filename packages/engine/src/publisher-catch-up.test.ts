import { describe, expect, test } from 'vitest';
import { type TestDatabase, usePublisherFixture } from '@scheduler/test-support';

/** The publisher's claim with SPEC §13's execution control, against the real schema. */
const f = usePublisherFixture(new Date('2030-01-01T05:20:00.000Z'));

/** An hourly task due at 01:00, claimed at 05:20: four hours of a publisher outage. */
const hourly = (fields: Partial<Parameters<TestDatabase['tasks']['create']>[0]> = {}) =>
  f.t.tasks.create({
    task_name: 'hourly',
    task_schedule: '0 * * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
    next_run_at: new Date('2030-01-01T01:00:00Z'),
    ...fields,
  });

/** Ends the task's run in flight as delivered, as a worker would, so the next can be claimed. */
async function finishRun(taskId: string): Promise<void> {
  await f.t.db
    .updateTable('task_runs')
    .set({ status: 'finish', finished_at: f.clock })
    .where('task_id', '=', taskId)
    .where('finished_at', 'is', null)
    .execute();
  await f.t.db
    .updateTable('tasks')
    .set({ task_status: 'ready', job_id: null })
    .where('id', '=', taskId)
    .execute();
}

async function scheduledFor(taskId: string): Promise<string[]> {
  const runs = await f.t.db
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
    await f.publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T05:00:00.000Z']);
    expect((await f.t.tasks.findById(task.id))?.next_run_at).toEqual(new Date('2030-01-01T06:00:00Z'));
  });

  test('none: no run; the next is the next future instant', async () => {
    const task = await hourly({ catch_up: 'none' });
    await f.publisher().tick();
    expect(await scheduledFor(task.id)).toEqual([]);
    const stored = await f.t.tasks.findById(task.id);
    expect(stored).toMatchObject({ task_status: 'ready', next_run_at: new Date('2030-01-01T06:00:00Z') });
  });

  test('all: one run per missed instant, oldest first, back to back', async () => {
    const task = await hourly({ catch_up: 'all' });
    for (let i = 0; i < 7; i += 1) {
      await f.publisher().tick();
      await finishRun(task.id);
    }
    expect(await scheduledFor(task.id)).toEqual(
      ['01', '02', '03', '04', '05'].map((h) => `2030-01-01T${h}:00:00.000Z`),
    );
    expect((await f.t.tasks.findById(task.id))?.next_run_at).toEqual(new Date('2030-01-01T06:00:00Z'));
  });
});

describe('pause, range and jitter in the claim', () => {
  test('a paused task is not claimed; once the pause ends it catches up and the pause clears', async () => {
    const task = await hourly({ paused_until: new Date('2030-01-01T06:30:00Z') });
    await f.publisher().tick();
    expect(await scheduledFor(task.id)).toEqual([]);
    f.clock = new Date('2030-01-01T06:30:00.500Z');
    await f.publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T06:00:00.000Z']);
    expect((await f.t.tasks.findById(task.id))?.paused_until).toBeNull();
  });

  test('the last run inside ends_at leaves next_run_at null, and nothing claims it again', async () => {
    const task = await hourly({ ends_at: new Date('2030-01-01T05:30:00Z') });
    await f.publisher().tick();
    await finishRun(task.id);
    f.clock = new Date('2030-01-01T07:00:00Z');
    await f.publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T05:00:00.000Z']);
    expect((await f.t.tasks.findById(task.id))?.next_run_at).toBeNull();
  });

  test('jitter: scheduled_for is the nominal instant; next_run_at the jittered next one', async () => {
    const { dueAt } = await import('@scheduler/core');
    const task = await hourly({ jitter_ms: 1_200_000, next_run_at: null });
    const due = dueAt(task, new Date('2030-01-01T05:00:00Z'));
    await f.t.db.updateTable('tasks').set({ next_run_at: due }).where('id', '=', task.id).execute();
    f.clock = new Date(due.getTime() + 100);
    await f.publisher().tick();
    expect(await scheduledFor(task.id)).toEqual(['2030-01-01T05:00:00.000Z']);
    expect((await f.t.tasks.findById(task.id))?.next_run_at).toEqual(
      dueAt(task, new Date('2030-01-01T06:00:00Z')),
    );
  });

  test('deliver_within_ms: the deadline counts from the jittered instant the run came due', async () => {
    const { dueAt } = await import('@scheduler/core');
    const task = await hourly({ jitter_ms: 600_000, deliver_within_ms: 30_000, next_run_at: null });
    const due = dueAt(task, new Date('2030-01-01T05:00:00Z'));
    await f.t.db.updateTable('tasks').set({ next_run_at: due }).where('id', '=', task.id).execute();
    f.clock = new Date(due.getTime() + 100);
    await f.publisher().tick();
    const run = await f.t.db
      .selectFrom('task_runs')
      .selectAll()
      .where('task_id', '=', task.id)
      .executeTakeFirst();
    expect(run?.deliver_by).toEqual(new Date(due.getTime() + 30_000));
  });
});
