import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createTestDatabase, runFor, type TestDatabase } from '@scheduler/test-support';
import type { ScheduledTask } from '../rows';
import type { ClaimWrite } from './task.repository';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await t.db.deleteFrom('tasks').execute();
});

const base = {
  task_name: 'report',
  task_schedule: '*/5 * * * *',
  webhook_url: 'http://127.0.0.1:4000/webhook',
  json_payload: JSON.stringify({ content: 'hi' }),
};

describe('the tasks table', () => {
  test('a row inserted by hand with only the task fields gets ids, defaults and timestamps from the database', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      INSERT INTO tasks (task_name, task_schedule, webhook_url, json_payload)
      VALUES ('by hand', '@daily', 'https://example.com/hook', '{"a":1}') RETURNING *`.execute(t.db);
    expect(rows[0]).toMatchObject({
      task_status: 'ready',
      max_retry: 3,
      enabled: true,
      timezone: 'UTC',
      next_run_at: null,
      last_run_at: null,
    });
    expect(rows[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0]?.created_at).toBeInstanceOf(Date);
  });

  test('a payload comes back with its keys in the order written, nested objects too', async () => {
    // jsonb would sort them shorter-first: {"b":…,"aa":…} and {"zz":…,"a":…} reversed.
    const written = '{"b":2,"aa":1,"nested":{"zz":1,"a":{"ccc":1,"d":2}},"list":[{"yy":1,"x":2}]}';
    const task = await t.tasks.create({ ...base, json_payload: written });
    const updated = await t.tasks.update(task.id, { json_payload: '{"zzz":1,"y":{"bb":1,"a":2}}' });

    expect(JSON.stringify(task.json_payload)).toBe(written);
    expect(JSON.stringify((await t.tasks.findById(task.id))?.json_payload)).toBe(
      '{"zzz":1,"y":{"bb":1,"a":2}}',
    );
    expect(JSON.stringify(updated?.json_payload)).toBe('{"zzz":1,"y":{"bb":1,"a":2}}');
  });

  test('updated_at moves on every change', async () => {
    const task = await t.tasks.create(base);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const updated = await t.tasks.update(task.id, { task_name: 'renamed' });
    expect(updated!.updated_at.getTime()).toBeGreaterThan(task.updated_at.getTime());
  });

  test.each([
    ['an empty name', { task_name: '' }],
    ['max_retry 11', { max_retry: 11 }],
    ['a payload that is a string', { json_payload: JSON.stringify('text') }],
  ])('the database refuses %s', async (_what, override) => {
    await expect(t.tasks.create({ ...base, ...override })).rejects.toThrow(/violates check constraint/);
  });

  test('an update bound to a status changes nothing once the task has left it', async () => {
    const task = await t.tasks.create({ ...base, task_status: 'failed' });
    await t.tasks.startRun(task.id, ['failed'], {
      jobId: `${task.id}_1`,
      trigger: 'manual',
      scheduledFor: new Date(),
    });
    expect(await t.tasks.update(task.id, { task_status: 'ready' }, 'failed')).toBeUndefined();
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: `${task.id}_1` });
    const renamed = await t.tasks.update(task.id, { task_name: 'renamed' }, 'running');
    expect(renamed?.task_name).toBe('renamed');
  });

  test('a job id belongs to a running task only: the database refuses one on a ready task', async () => {
    const task = await t.tasks.create(base);
    await expect(
      t.db
        .updateTable('tasks')
        .set({ job_id: `${task.id}_1` })
        .where('id', '=', task.id)
        .execute(),
    ).rejects.toThrow(/tasks_job_id_only_while_running/);
    await expect(
      t.db
        .updateTable('tasks')
        .set({ task_status: 'running', job_id: `${task.id}_1` })
        .where('id', '=', task.id)
        .execute(),
    ).resolves.toBeDefined();
  });

  test('deleting a task deletes its runs and their attempts', async () => {
    const task = await t.tasks.create(base);
    const scheduledFor = new Date();
    const runId = await runFor(t, task.id, scheduledFor);
    await t.attempts.insertAttempt({ taskId: task.id, scheduledFor, retryCount: 0, runId });
    expect(await t.tasks.delete(task.id)).toBe(true);
    expect(await t.db.selectFrom('task_logs').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('task_runs').selectAll().execute()).toEqual([]);
  });

  test('a one-time task has run_at and no schedule; the database takes it', async () => {
    const runAt = new Date('2030-01-01T00:00:00Z');
    const task = await t.tasks.create({ ...base, task_schedule: null, run_at: runAt });
    expect(task).toMatchObject({ task_schedule: null, run_at: runAt, next_run_at: null });
  });
});

describe('listing', () => {
  test('filters, searches, sorts and pages', async () => {
    for (const [name, status, enabled] of [
      ['alpha report', 'ready', true],
      ['beta report', 'failed', true],
      ['gamma 100%', 'ready', false],
    ] as const) {
      await t.tasks.create({ ...base, task_name: name, task_status: status, enabled });
    }
    const page = { page: 1, limit: 2, sort: 'task_name', order: 'asc' } as const;
    const first = await t.tasks.listWithLastAttempt(page);
    expect(first.total).toBe(3);
    expect(first.rows.map((r) => r.task_name)).toEqual(['alpha report', 'beta report']);
    const second = await t.tasks.listWithLastAttempt({ ...page, page: 2 });
    expect(second.rows.map((r) => r.task_name)).toEqual(['gamma 100%']);
    expect(
      (await t.tasks.listWithLastAttempt({ ...page, taskStatus: 'failed' })).rows.map((r) => r.task_name),
    ).toEqual(['beta report']);
    expect((await t.tasks.listWithLastAttempt({ ...page, enabled: false })).total).toBe(1);
    expect((await t.tasks.listWithLastAttempt({ ...page, search: 'REPORT' })).total).toBe(2);
    // LIKE wildcards in a search are literal text.
    expect(
      (await t.tasks.listWithLastAttempt({ ...page, search: '%' })).rows.map((r) => r.task_name),
    ).toEqual(['gamma 100%']);
  });
});

describe('claiming due tasks', () => {
  const now = new Date('2030-01-01T00:00:10Z');
  const fiveLater = new Date('2030-01-01T00:05:00Z');

  /** Every due task runs for its due instant, under the job id `job-<id>`. */
  const runEach =
    (nextRunAt: Date | null) =>
    (rows: ScheduledTask[]): ClaimWrite[] =>
      rows.map((row) => ({
        kind: 'run',
        id: row.id,
        jobId: `job-${row.id}`,
        scheduledFor: row.next_run_at!,
        maxRetry: row.max_retry,
        nextRunAt,
      }));

  test('claims only ready, enabled, due tasks and commits each as running with its run and next due instant', async () => {
    const dueAt = new Date('2030-01-01T00:00:00Z');
    const due = await t.tasks.create({ ...base, max_retry: 2, next_run_at: dueAt });
    await t.tasks.create({ ...base, task_name: 'later', next_run_at: new Date('2030-01-01T00:01:00Z') });
    await t.tasks.create({
      ...base,
      task_name: 'paused',
      enabled: false,
      next_run_at: new Date('2029-01-01T00:00:00Z'),
    });
    await t.tasks.create({
      ...base,
      task_name: 'failed',
      task_status: 'failed',
      next_run_at: new Date('2029-01-01Z'),
    });
    await t.tasks.create({ ...base, task_name: 'unscheduled' });

    const claim = await t.tasks.claimDueTasks(100, runEach(fiveLater), now);
    expect(claim.claimed).toBe(1);
    expect(claim.repeated).toEqual([]);
    expect(claim.runs).toEqual([
      { runId: expect.any(String) as string, taskId: due.id, scheduledFor: dueAt, maxRetry: 2, gated: false },
    ]);
    const task = await t.tasks.findById(due.id);
    expect(task).toMatchObject({ task_status: 'running', job_id: `job-${due.id}`, next_run_at: fiveLater });
    expect(task?.last_run_at).toBeInstanceOf(Date);
    // The run's row is made in the same commit: a schedule run, queued, of that due instant.
    expect(await t.runs.findById(claim.runs[0]!.runId)).toMatchObject({
      task_id: due.id,
      scheduled_for: dueAt,
      trigger: 'schedule',
      status: 'queued',
      attempt_count: 0,
      prior_task_status: 'ready',
      started_at: null,
      finished_at: null,
    });
    expect((await t.runs.list({ page: 1, limit: 10 })).total).toBe(1);
  });

  test('a one-time task runs once: its next due instant becomes null and it is never claimed again', async () => {
    const runAt = new Date('2030-01-01T00:00:00Z');
    const task = await t.tasks.create({ ...base, task_schedule: null, run_at: runAt, next_run_at: runAt });
    const claim = await t.tasks.claimDueTasks(10, runEach(null), now);
    expect(claim.runs.map((run) => run.taskId)).toEqual([task.id]);
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', next_run_at: null });
    await t.tasks.update(task.id, { task_status: 'ready', job_id: null });
    expect(await t.tasks.claimDueTasks(10, runEach(null), new Date('2031-01-01Z'))).toEqual({
      claimed: 0,
      runs: [],
      repeated: [],
    });
  });

  test('concurrent claims never take the same task (FOR UPDATE SKIP LOCKED)', async () => {
    for (let i = 0; i < 50; i++) await t.tasks.create({ ...base, task_name: `t${i}`, next_run_at: now });
    const claim = () => t.tasks.claimDueTasks(10, runEach(null), now);
    const first = await Promise.all(Array.from({ length: 8 }, claim));
    const more = await Promise.all(Array.from({ length: 8 }, claim));
    const all = [...first, ...more].flatMap((c) => c.runs.map((run) => run.taskId));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(50);
    expect([...first, ...more].reduce((sum, c) => sum + c.claimed, 0)).toBe(50);
    // One run each, and every run id distinct.
    const runIds = [...first, ...more].flatMap((c) => c.runs.map((run) => run.runId));
    expect(new Set(runIds).size).toBe(50);
    expect((await t.runs.list({ page: 1, limit: 1, statuses: ['queued'] })).total).toBe(50);
  });

  test('a failing plan changes nothing', async () => {
    const task = await t.tasks.create({ ...base, next_run_at: now });
    await expect(
      t.tasks.claimDueTasks(
        10,
        () => {
          throw new Error('boom');
        },
        now,
      ),
    ).rejects.toThrow('boom');
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', next_run_at: now });
    expect(await t.db.selectFrom('task_runs').selectAll().execute()).toEqual([]);
  });

  test('a task looked at later only moves its next look: no run, still ready', async () => {
    const task = await t.tasks.create({ ...base, next_run_at: now });
    const later = new Date(now.getTime() + 60_000);
    const claim = await t.tasks.claimDueTasks(
      10,
      (rows) => rows.map((row) => ({ kind: 'look-later' as const, id: row.id, nextRunAt: later })),
      now,
    );
    expect(claim).toEqual({ claimed: 1, runs: [], repeated: [] });
    expect(await t.tasks.findById(task.id)).toMatchObject({
      task_status: 'ready',
      job_id: null,
      next_run_at: later,
    });
    expect(await t.db.selectFrom('task_runs').selectAll().execute()).toEqual([]);
  });

  test("by default a claim goes by PostgreSQL's clock, and plans from it: a publisher's own clock never decides what is due", async () => {
    const dbNow = (await sql<{ now: Date }>`SELECT now()`.execute(t.db)).rows[0]!.now;
    const past = await t.tasks.create({
      ...base,
      task_name: 'past',
      next_run_at: new Date(dbNow.getTime() - 1000),
    });
    // Due in a minute by the database's clock.
    await t.tasks.create({ ...base, task_name: 'soon', next_run_at: new Date(dbNow.getTime() + 60_000) });
    // This host's clock an hour ahead: had it decided, both would be due.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(dbNow.getTime() + 3_600_000);
    let planningInstant: Date | undefined;
    let planned: string[] = [];
    try {
      const claim = await t.tasks.claimDueTasks(10, (rows, asOf) => {
        planningInstant = asOf;
        planned = rows.map((row) => row.id);
        return rows.map((row) => ({ kind: 'look-later' as const, id: row.id, nextRunAt: row.next_run_at! }));
      });
      expect(claim.claimed).toBe(1);
      expect(planned).toEqual([past.id]);
    } finally {
      vi.useRealTimers();
    }
    // The transaction's now(), not the host's clock.
    expect(planningInstant!.getTime()).toBeGreaterThanOrEqual(dbNow.getTime());
    expect(planningInstant!.getTime()).toBeLessThan(dbNow.getTime() + 10_000);
  });

  test('first due instants are planned only for tasks with a schedule: a one-time task that fired has none', async () => {
    const scheduled = await t.tasks.create(base);
    await t.tasks.create({ ...base, task_name: 'fired once', task_schedule: null, run_at: now });
    const seen: string[] = [];
    const planned = await t.tasks.scheduleUnscheduled(
      10,
      (rows) => {
        seen.push(...rows.map((row) => row.id));
        return rows.map((row) => ({ id: row.id, nextRunAt: fiveLater }));
      },
      now,
    );
    expect(planned).toBe(1);
    expect(seen).toEqual([scheduled.id]);
    expect(await t.tasks.findById(scheduled.id)).toMatchObject({ next_run_at: fiveLater });
  });
});

describe('runs outside the schedule', () => {
  const asked = new Date('2030-01-01T12:00:00Z');

  test('startRun starts a run only from the allowed statuses, one at a time, remembering the status it came from', async () => {
    const task = await t.tasks.create(base);
    const started = await t.tasks.startRun(task.id, ['ready', 'failed'], {
      jobId: 'job-1',
      trigger: 'manual',
      scheduledFor: asked,
    });
    expect(started?.task).toMatchObject({ id: task.id, task_status: 'running', job_id: 'job-1' });
    expect(started?.task.last_run_at).toBeInstanceOf(Date);
    // The next due instant is left alone unless the start says otherwise.
    expect(started?.task.next_run_at).toBeNull();
    expect(started?.run).toMatchObject({
      task_id: task.id,
      trigger: 'manual',
      scheduled_for: asked,
      status: 'queued',
      retry_of: null,
      payload_override: null,
      prior_task_status: 'ready',
    });
    // The task is running now: a second start is refused and makes no run.
    expect(
      await t.tasks.startRun(task.id, ['ready', 'failed'], {
        jobId: 'job-2',
        trigger: 'manual',
        scheduledFor: asked,
      }),
    ).toBeUndefined();
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: 'job-1' });
    expect((await t.runs.list({ page: 1, limit: 10, taskId: task.id })).total).toBe(1);
    // A missing task starts nothing.
    expect(
      await t.tasks.startRun('00000000-0000-4000-8000-000000000000', ['ready'], {
        jobId: 'job-3',
        trigger: 'manual',
        scheduledFor: asked,
      }),
    ).toBeUndefined();
  });

  test('startRun of a failed task: a retry run with its own payload, the task re-armed, failed remembered', async () => {
    const task = await t.tasks.create({ ...base, task_status: 'failed' });
    const scheduledFor = new Date('2029-12-31T00:00:00Z');
    const original = await runFor(t, task.id, scheduledFor, 'failed');
    expect(
      await t.tasks.startRun(task.id, ['ready'], { jobId: 'job-1', trigger: 'retry', scheduledFor: asked }),
    ).toBeUndefined();
    const rearmed = new Date('2030-01-01T12:05:00Z');
    const started = await t.tasks.startRun(task.id, ['ready', 'failed'], {
      jobId: 'job-1',
      trigger: 'retry',
      scheduledFor: asked,
      retryOf: original,
      payloadOverride: JSON.stringify({ content: 'edited' }),
      nextRunAt: rearmed,
    });
    expect(started?.task).toMatchObject({ task_status: 'running', job_id: 'job-1', next_run_at: rearmed });
    expect(started?.run).toMatchObject({
      trigger: 'retry',
      retry_of: original,
      payload_override: { content: 'edited' },
      prior_task_status: 'failed',
    });
  });

  test('unstartRun removes the run and hands the task back, only while that job still owns it', async () => {
    const task = await t.tasks.create({ ...base, task_status: 'failed' });
    const first = await t.tasks.startRun(task.id, ['ready', 'failed'], {
      jobId: 'job-1',
      trigger: 'manual',
      scheduledFor: asked,
    });
    await t.tasks.unstartRun(first!.run.id, task.id, 'job-1', 'failed');
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'failed', job_id: null });
    expect(await t.runs.findById(first!.run.id)).toBeUndefined();

    // Started again under another job: undoing the first start again leaves it be.
    const second = await t.tasks.startRun(task.id, ['ready', 'failed'], {
      jobId: 'job-2',
      trigger: 'manual',
      scheduledFor: asked,
    });
    await t.tasks.unstartRun(first!.run.id, task.id, 'job-1', 'failed');
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: 'job-2' });
    expect(await t.runs.findById(second!.run.id)).toMatchObject({ status: 'queued' });
  });
});
