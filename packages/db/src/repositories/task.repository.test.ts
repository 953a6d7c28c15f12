import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';

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
    await t.tasks.claimForRun(task.id, `${task.id}_1`, ['failed']);
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

  test('deleting a task deletes its logs', async () => {
    const task = await t.tasks.create(base);
    await t.attempts.insertAttempt({ taskId: task.id, scheduledFor: new Date(), retryCount: 0 });
    expect(await t.tasks.delete(task.id)).toBe(true);
    const logs = await t.db.selectFrom('task_logs').selectAll().execute();
    expect(logs).toEqual([]);
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

  test('claims only ready, enabled, due tasks and commits them as running with their next due instant', async () => {
    const due = await t.tasks.create({ ...base, next_run_at: new Date('2030-01-01T00:00:00Z') });
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

    const decisions = await t.tasks.claimDueTasks(
      100,
      (rows) =>
        rows.map((row) => ({
          kind: 'enqueued' as const,
          id: row.id,
          jobId: `job-${row.id}`,
          nextRunAt: new Date('2030-01-01T00:05:00Z'),
          run: { taskId: row.id, scheduledFor: row.next_run_at!, maxRetry: row.max_retry },
        })),
      now,
    );
    expect(decisions.map((d) => d.id)).toEqual([due.id]);
    expect(await t.tasks.findById(due.id)).toMatchObject({
      task_status: 'running',
      job_id: `job-${due.id}`,
      next_run_at: new Date('2030-01-01T00:05:00Z'),
    });
    expect((await t.tasks.findById(due.id))?.last_run_at).toBeInstanceOf(Date);
  });

  test('concurrent claims never take the same task (FOR UPDATE SKIP LOCKED)', async () => {
    for (let i = 0; i < 50; i++) await t.tasks.create({ ...base, task_name: `t${i}`, next_run_at: now });
    const claim = () =>
      t.tasks.claimDueTasks(
        10,
        (rows) =>
          rows.map((row) => ({
            kind: 'enqueued' as const,
            id: row.id,
            jobId: row.id,
            nextRunAt: null,
            run: { taskId: row.id, scheduledFor: now, maxRetry: 0 },
          })),
        now,
      );
    const claimed = (await Promise.all(Array.from({ length: 8 }, claim))).flat().map((d) => d.id);
    const more = (await Promise.all(Array.from({ length: 8 }, claim))).flat().map((d) => d.id);
    const all = [...claimed, ...more];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(50);
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
  });

  test('deferred tasks only move their next look', async () => {
    const task = await t.tasks.create({ ...base, next_run_at: now });
    const later = new Date(now.getTime() + 60_000);
    await t.tasks.claimDueTasks(
      10,
      (rows) => rows.map((row) => ({ kind: 'deferred' as const, id: row.id, nextRunAt: later })),
      now,
    );
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', next_run_at: later });
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
    try {
      const decisions = await t.tasks.claimDueTasks(10, (rows, asOf) => {
        planningInstant = asOf;
        return rows.map((row) => ({ kind: 'deferred' as const, id: row.id, nextRunAt: row.next_run_at! }));
      });
      expect(decisions.map((d) => d.id)).toEqual([past.id]);
    } finally {
      vi.useRealTimers();
    }
    // The transaction's now(), not the host's clock.
    expect(planningInstant!.getTime()).toBeGreaterThanOrEqual(dbNow.getTime());
    expect(planningInstant!.getTime()).toBeLessThan(dbNow.getTime() + 10_000);
  });
});

describe('runs', () => {
  test('claimForRun starts a run only from the allowed statuses, and finishRun only ends the run that owns the task', async () => {
    const task = await t.tasks.create(base);
    expect(await t.tasks.claimForRun(task.id, 'job-1', ['ready', 'failed'])).toMatchObject({
      task_status: 'running',
      job_id: 'job-1',
    });
    expect(await t.tasks.claimForRun(task.id, 'job-2', ['ready', 'failed'])).toBeUndefined();
    expect(await t.tasks.finishRun(task.id, 'job-2', 'ready')).toBe(false);
    expect(await t.tasks.finishRun(task.id, 'job-1', 'failed')).toBe(true);
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'failed', job_id: null });
  });

  test('the watchdog sees only runs older than its grace period, and releases only an unchanged run', async () => {
    const task = await t.tasks.create(base);
    await t.tasks.claimForRun(task.id, 'job-1', ['ready']);
    expect(await t.tasks.findLongRunning(60_000, 10)).toEqual([]);
    await sql`UPDATE tasks SET updated_at = now() - interval '1 minute'`.execute(t.db);
    // The trigger keeps updated_at current on updates; set it back directly.
    await sql`ALTER TABLE tasks DISABLE TRIGGER tasks_set_updated_at`.execute(t.db);
    await sql`UPDATE tasks SET updated_at = now() - interval '1 minute'`.execute(t.db);
    await sql`ALTER TABLE tasks ENABLE TRIGGER tasks_set_updated_at`.execute(t.db);
    const [run, ...others] = await t.tasks.findLongRunning(10_000, 10);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ id: task.id, job_id: 'job-1', max_retry: 3 });
    const scheduledFor = new Date('2030-01-01T00:00:00Z');
    const [started] = await t.attempts.beginAttempts([
      { taskId: task.id, scheduledFor, retryCount: 0, jobId: 'job-1' },
    ]);
    expect(started).toMatchObject({ kind: 'deliver' });
    expect(await t.tasks.releaseStuckRun(task.id, 'job-other', 'lost')).toBe(false);
    expect(await t.attempts.listForTask(task.id, 10)).toMatchObject([{ status: 'running' }]);
    expect(await t.tasks.releaseStuckRun(task.id, 'job-1', 'attempt lost')).toBe(true);
    expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
    // No worker will write that attempt's result: it no longer shows as running.
    expect(await t.attempts.listForTask(task.id, 10)).toMatchObject([
      { status: 'failed', message: 'attempt lost', retry_count: 0 },
    ]);
  });

  test('the watchdog pages through long runs that share one updated_at, without repeating or skipping', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await t.tasks.create(base)).id);
    // One claim stamps its whole batch with the same updated_at (to the microsecond).
    await sql`ALTER TABLE tasks DISABLE TRIGGER tasks_set_updated_at`.execute(t.db);
    await sql`UPDATE tasks SET task_status = 'running', job_id = 'job-' || id,
                               updated_at = '2020-01-01 00:00:00.123456+00'`.execute(t.db);
    await sql`ALTER TABLE tasks ENABLE TRIGGER tasks_set_updated_at`.execute(t.db);
    const seen: string[] = [];
    let page = await t.tasks.findLongRunning(10_000, 2);
    // Bounded: a cursor that lost precision would serve the same page forever.
    for (let pages = 0; page.length > 0 && pages < 10; pages += 1) {
      seen.push(...page.map((run) => run.id));
      page = await t.tasks.findLongRunning(10_000, 2, page.at(-1));
    }
    expect(seen).toEqual([...ids].sort());
  });
});
