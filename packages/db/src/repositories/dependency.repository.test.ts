import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';
import { createDatabase, type Database } from '../database';
import type { TaskRow } from '../rows';
import { DependencyRepository } from './dependency.repository';

// SPEC §13's chain, against the real schema: one run per round of successful dependencies.
let t: TestDatabase;
let dependencies: DependencyRepository;

beforeAll(async () => {
  t = await createTestDatabase();
  dependencies = new DependencyRepository(t.db);
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await t.db.deleteFrom('tasks').execute();
});

const jobIdOf = (taskId: string, scheduledFor: Date) => `${taskId}_${scheduledFor.getTime()}`;

async function task(name: string, fields: Partial<Parameters<TestDatabase['tasks']['create']>[0]> = {}) {
  return t.tasks.create({
    task_name: name,
    task_schedule: null,
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
    ...fields,
  });
}

/** When the chained tasks of these tests came to depend on theirs: before any run they make. */
const DEPENDED_SINCE = new Date(Date.now() - 3_600_000);

/** A chained task: depends on `on` (since DEPENDED_SINCE), no schedule, no run_at. */
async function chained(name: string, on: TaskRow[], fields: Parameters<typeof task>[1] = {}) {
  const made = await task(name, fields);
  await dependencies.replace(
    made.id,
    on.map((d) => d.id),
  );
  await t.db
    .updateTable('task_dependencies')
    .set({ created_at: DEPENDED_SINCE })
    .where('task_id', '=', made.id)
    .execute();
  return made;
}

/** An ended run of `of`, as the worker leaves one (ended `finishedAt`, by default now). */
async function ended(of: TaskRow, status: 'finish' | 'failed', finishedAt = new Date()) {
  return t.runs.create({
    task_id: of.id,
    scheduled_for: new Date(finishedAt.getTime() - 1000),
    trigger: 'schedule',
    status,
    created_at: new Date(finishedAt.getTime() - 1000),
    finished_at: finishedAt,
  });
}

/** Ends the chained task's run in flight (finish) and returns the task to ready, as the worker does. */
async function settle(of: TaskRow) {
  await t.db
    .updateTable('task_runs')
    .set({ status: 'finish', finished_at: sql<Date>`now()` })
    .where('task_id', '=', of.id)
    .where('finished_at', 'is', null)
    .execute();
  await t.tasks.update(of.id, { task_status: 'ready', job_id: null });
}

const runsOf = async (of: TaskRow) =>
  t.db.selectFrom('task_runs').selectAll().where('task_id', '=', of.id).orderBy('created_at').execute();

const release = () => dependencies.releaseChainedRuns(100, jobIdOf);

describe('releaseChainedRuns (SPEC §13 chain)', () => {
  test('a chained task runs once its dependency finished, once per round of it', async () => {
    const a = await task('A', { task_schedule: '* * * * *' });
    const c = await chained('C', [a]);
    expect(await release()).toEqual([]);

    const first = await ended(a, 'finish', new Date(Date.now() - 5000));
    const released = await release();
    expect(released).toEqual([
      expect.objectContaining({ taskId: c.id, scheduledFor: first.finished_at, maxRetry: 3 }),
    ]);
    const [run] = await runsOf(c);
    expect(run).toMatchObject({ id: released[0]?.runId, trigger: 'dependency', status: 'queued' });
    expect(run?.scheduled_for).toEqual(first.finished_at);
    const running = await t.tasks.findById(c.id);
    expect(running).toMatchObject({
      task_status: 'running',
      job_id: jobIdOf(c.id, first.finished_at!),
    });

    // Its run in flight, then ended: the same round releases nothing more.
    expect(await release()).toEqual([]);
    await settle(c);
    expect(await release()).toEqual([]);
    expect(await runsOf(c)).toHaveLength(1);

    // A's next success is the next round.
    await ended(a, 'finish');
    expect(await release()).toHaveLength(1);
    expect((await runsOf(c)).map((r) => r.trigger)).toEqual(['dependency', 'dependency']);
  });

  test('a round over before the task depended on it is not its own; nor a finish its dependency ran again since', async () => {
    const a = await task('A', { task_schedule: '* * * * *' });
    await ended(a, 'finish', new Date(Date.now() - 5000));
    // Made after A's finish: no run for that round.
    const c = await task('C');
    await dependencies.replace(c.id, [a.id]);
    expect(await release()).toEqual([]);
    // A's latest run ended otherwise (after a finish): the gate would skip on it, so no run.
    await ended(a, 'failed');
    expect(await release()).toEqual([]);
    // A's next finish is C's round.
    await ended(a, 'finish', new Date(Date.now() + 1000));
    expect(await release()).toEqual([expect.objectContaining({ taskId: c.id })]);
  });

  test('enabled again, a chained task waits for its next round: one completed while it was disabled is not its own', async () => {
    const a = await task('A');
    const c = await chained('C', [a], { enabled: false });
    await ended(a, 'finish', new Date(Date.now() - 1000));
    expect(await release()).toEqual([]);
    // Enabled again, as the task service does it.
    await dependencies.countRoundsFromNow(c.id);
    await t.tasks.update(c.id, { enabled: true });
    expect(await release()).toEqual([]);
    await ended(a, 'finish', new Date(Date.now() + 1000));
    expect(await release()).toEqual([expect.objectContaining({ taskId: c.id })]);
  });

  test('a fan-in fires once, when the last of its dependencies has finished', async () => {
    const [a, b, d] = [await task('A'), await task('B'), await task('D')];
    const c = await chained('C', [a, b, d]);
    await ended(a, 'finish', new Date(Date.now() - 3000));
    expect(await release()).toEqual([]);
    await ended(b, 'finish', new Date(Date.now() - 2000));
    expect(await release()).toEqual([]);
    const last = await ended(d, 'finish', new Date(Date.now() - 1000));
    const released = await release();
    expect(released.map((r) => [r.taskId, r.scheduledFor])).toEqual([[c.id, last.finished_at]]);
    await settle(c);
    // One dependency finishing again is not a round: the others must too.
    await ended(a, 'finish');
    expect(await release()).toEqual([]);
    expect(await runsOf(c)).toHaveLength(1);
  });

  test('several publishers releasing at once make one run per round', async () => {
    const [a, b] = [await task('A'), await task('B')];
    const chains = await Promise.all(
      Array.from({ length: 20 }, (_, i) => chained(`C${i}`, i % 2 === 0 ? [a, b] : [a])),
    );
    await ended(a, 'finish', new Date(Date.now() - 2000));
    await ended(b, 'finish', new Date(Date.now() - 1000));
    const pools: Database[] = Array.from({ length: 4 }, () => createDatabase(t.url, { max: 2 }));
    try {
      const released = (
        await Promise.all(
          pools.flatMap((pool) =>
            [0, 1].map(() => new DependencyRepository(pool).releaseChainedRuns(100, jobIdOf)),
          ),
        )
      ).flat();
      expect(released.map((r) => r.taskId).sort()).toEqual(chains.map((c) => c.id).sort());
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    const { count } = await t.db
      .selectFrom('task_runs')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('trigger', '=', 'dependency')
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(20);
  });

  test('a round that already has its run gets no second one, even when its task reads as due again', async () => {
    const a = await task('A');
    const c = await chained('C', [a]);
    const success = await ended(a, 'finish', new Date(Date.now() - 1000));
    await release();
    await settle(c);
    // A's success ended after C's run was made (its finish committed while the release ran,
    // and the release saw it): the same round, not a new one.
    const [made] = await runsOf(c);
    const roundAt = new Date(made!.created_at.getTime() + 1000);
    await t.db.updateTable('task_runs').set({ finished_at: roundAt }).where('id', '=', success.id).execute();
    await t.db.updateTable('task_runs').set({ scheduled_for: roundAt }).where('id', '=', made!.id).execute();
    expect(await release()).toEqual([]);
    // And the database itself refuses a second run of a round.
    const [run] = await runsOf(c);
    await expect(
      t.runs.create({
        task_id: c.id,
        scheduled_for: run!.scheduled_for,
        trigger: 'dependency',
        status: 'queued',
      }),
    ).rejects.toThrow(/task_runs_dependency_key/);
  });

  test('nothing is released for a task that is disabled, paused, out of its range, failed, or has a schedule', async () => {
    const a = await task('A');
    const later = new Date(Date.now() + 3_600_000);
    const held = await Promise.all([
      chained('disabled', [a], { enabled: false }),
      chained('paused', [a], { paused_until: later }),
      chained('not started', [a], { starts_at: later }),
      chained('ended', [a], { ends_at: new Date(Date.now() - 1000) }),
      chained('failed', [a], { task_status: 'failed' }),
      chained('gated, scheduled', [a], { task_schedule: '0 * * * *' }),
    ]);
    await ended(a, 'finish');
    expect(await release()).toEqual([]);
    expect(await Promise.all(held.map(runsOf))).toEqual(held.map(() => []));
  });

  test('a dependency whose runs never finished releases nothing', async () => {
    const a = await task('A');
    const c = await chained('C', [a]);
    await ended(a, 'failed');
    expect(await release()).toEqual([]);
    expect(await runsOf(c)).toEqual([]);
  });
});

describe('deleting a dependency (SPEC §13)', () => {
  const note = (deleted: { id: string; task_name: string }) => `DEPENDENCY_DELETED: ${deleted.task_name}`;

  test('notes the dependents’ runs not started yet, and the note is kept after the message of their end', async () => {
    const a = await task('A');
    const [waiting, started, manual] = [await task('B'), await task('C'), await task('D')];
    for (const dependent of [waiting, started, manual]) await dependencies.replace(dependent.id, [a.id]);
    const unrelated = await task('E');
    const made = async (of: TaskRow, trigger: 'schedule' | 'manual', status: 'queued' | 'running') =>
      t.runs.create({ task_id: of.id, scheduled_for: new Date(), trigger, status });
    const runs = {
      waiting: await made(waiting, 'schedule', 'queued'),
      started: await made(started, 'schedule', 'running'),
      manual: await made(manual, 'manual', 'queued'),
      unrelated: await made(unrelated, 'schedule', 'queued'),
    };
    expect(await t.tasks.delete(a.id, note)).toBe(true);
    expect(await t.tasks.findById(a.id)).toBeUndefined();
    const message = async (id: string) => (await t.runs.findById(id))?.message;
    expect(await message(runs.waiting.id)).toBe('DEPENDENCY_DELETED: A');
    for (const other of [runs.started, runs.manual, runs.unrelated])
      expect(await message(other.id)).toBeNull();

    await t.runs.skip(runs.waiting.id, 'DEPENDENCY_FAILED: another');
    expect(await message(runs.waiting.id)).toBe('DEPENDENCY_FAILED: another — DEPENDENCY_DELETED: A');
    expect(await t.tasks.delete(a.id, note)).toBe(false);
  });

  test('a chained task that ran after the deleted task alone is disabled, saying why; others keep running', async () => {
    const [a, x] = [await task('A'), await task('X')];
    const alone = await chained('after A alone', [a]);
    const both = await chained('after A and X', [a, x]);
    const scheduled = await task('scheduled after A', { task_schedule: '0 * * * *' });
    await dependencies.replace(scheduled.id, [a.id]);
    const stranded = (of: { task_name: string }) => `stranded by ${of.task_name}`;

    expect(await t.tasks.delete(a.id, undefined, stranded)).toBe(true);
    expect(await t.tasks.findById(alone.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'stranded by A',
    });
    for (const other of [both, scheduled])
      expect(await t.tasks.findById(other.id)).toMatchObject({ enabled: true, disabled_reason: null });
  });
});
