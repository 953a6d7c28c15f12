import { deliveryJobId } from '@scheduler/queue';
import { expect, test } from 'vitest';
import { usePublisherFixture } from '@scheduler/test-support';

/** SPEC §13 chains through the publisher's tick, against the real schema and queue. */
const f = usePublisherFixture(new Date());

const task = (name: string, fields: { task_schedule?: string | null } = {}) =>
  f.t.tasks.create({
    task_name: name,
    task_schedule: null,
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
    priority: 7,
    ...fields,
  });

test('a tick releases the run of a chained task whose dependencies finished: one job, trigger dependency', async () => {
  const [a, b] = [await task('A', { task_schedule: '0 * * * *' }), await task('B')];
  const c = await task('C');
  await f.t.dependencies.replace(c.id, [a.id, b.id]);
  // C has depended on them since before their runs below.
  await f.t.db
    .updateTable('task_dependencies')
    .set({ created_at: new Date(Date.now() - 3_600_000) })
    .where('task_id', '=', c.id)
    .execute();
  const finished = new Date(Date.now() - 1000);
  for (const dependency of [a, b]) {
    await f.t.runs.create({
      task_id: dependency.id,
      scheduled_for: new Date(finished.getTime() - 1000),
      trigger: 'schedule',
      status: 'finish',
      finished_at: dependency === b ? finished : new Date(finished.getTime() - 500),
    });
  }
  // Two publishers tick at once: the round is released once.
  const results = await Promise.all([f.publisher().tick(), f.publisher().tick()]);
  expect(results.map((r) => r.enqueued).sort()).toEqual([0, 1]);

  const jobs = await f.queue.getJobs(['waiting', 'prioritized', 'delayed']);
  expect(jobs).toHaveLength(1);
  expect(jobs[0]?.id).toBe(deliveryJobId(c.id, finished));
  expect(jobs[0]?.data).toMatchObject({
    taskId: c.id,
    trigger: 'dependency',
    scheduledFor: finished.toISOString(),
    destination: 'http://127.0.0.1:4000',
    gated: true,
  });
  const runs = await f.t.runs.list({ page: 1, limit: 10, taskId: c.id });
  expect(runs.rows.map((r) => [r.id, r.trigger, r.status])).toEqual([
    [jobs[0]?.data.runId, 'dependency', 'queued'],
  ]);
  expect((await f.t.tasks.findById(c.id))?.task_status).toBe('running');
  // The next tick finds nothing new.
  expect((await f.publisher().tick()).enqueued).toBe(0);
});
