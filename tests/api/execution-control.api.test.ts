import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  type TaskDetail,
  taskInput,
} from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

/** The field a refusal names, with its message. */
async function refused(method: string, route: string, body: Record<string, unknown>) {
  const response = await api.request<{
    error: { code: string; message: string; details: Record<string, string> };
  }>(method, route, { body });
  expect(response.status).toBe(400);
  expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
  return response.body.error;
}

/** A chained task's body: depends_on, and neither schedule nor run_at. */
const chainedInput = (dependsOn: string[], taskName = 'chained') => ({
  task_name: taskName,
  depends_on: dependsOn,
  webhook_url: 'http://127.0.0.1:9/w',
  json_payload: {},
});

describe('execution control fields (SPEC §13)', () => {
  test('are taken on create, answered, and shape next_run_at and next_runs', async () => {
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    startsAt.setUTCHours(10, 30, 0, 0);
    const task = await api.createTask({
      task_schedule: '0 * * * *',
      starts_at: startsAt.toISOString(),
      ends_at: new Date(startsAt.getTime() + 3 * HOUR).toISOString(),
      deliver_within_ms: 60_000,
      catch_up: 'all',
      jitter_ms: 0,
    });
    expect(task).toMatchObject({
      starts_at: startsAt.toISOString(),
      deliver_within_ms: 60_000,
      catch_up: 'all',
      jitter_ms: 0,
      paused_until: null,
    });
    // The first instant at or after starts_at: 11:00 that day; then 12:00 and 13:00, and the range ends.
    const firstRun = new Date(startsAt);
    firstRun.setUTCHours(11, 0, 0, 0);
    expect(task.next_run_at).toBe(firstRun.toISOString());
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(detail.body.next_runs).toEqual(
      [0, 1, 2].map((h) => new Date(firstRun.getTime() + h * HOUR).toISOString()),
    );
  });

  test('a disabled task lists no next runs (none comes due until it is enabled), and five again once enabled', async () => {
    const task = await api.createTask({ task_schedule: '*/5 * * * * *' });
    expect((await api.request('POST', `/api/tasks/${task.id}/toggle`)).status).toBe(200);
    const paused = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(paused.body).toMatchObject({ enabled: false, next_runs: [] });
    expect((await api.request('POST', `/api/tasks/${task.id}/toggle`)).status).toBe(200);
    const resumed = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(resumed.body.next_runs).toHaveLength(5);
    expect(new Date(resumed.body.next_runs[0]!).getTime()).toBeGreaterThan(Date.now() - 1000);
  });

  test('jitter: next_run_at and next_runs are jittered, the same on every read', async () => {
    const task = await api.createTask({ task_schedule: '0 * * * *', jitter_ms: 1_800_000 });
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    const again = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(detail.body.next_runs).toHaveLength(5);
    expect(again.body.next_runs).toEqual(detail.body.next_runs);
    expect(detail.body.next_runs[0]).toBe(task.next_run_at);
    const offsets = detail.body.next_runs.map((instant) => new Date(instant).getTime() % HOUR);
    for (const offset of offsets) expect(offset).toBeLessThanOrEqual(1_800_000);
    // Five instants, each at an offset of its own (the odds of two equal are nil).
    expect(new Set(offsets).size).toBe(5);
  });

  test('paused_until: nothing comes due before it; PATCH null lifts it', async () => {
    const task = await api.createTask({ task_schedule: '*/5 * * * *', catch_up: 'none' });
    const until = inHours(3);
    const paused = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { paused_until: until },
    });
    expect(paused.status).toBe(200);
    expect(paused.body.paused_until).toBe(until);
    expect(new Date(paused.body.next_run_at!).getTime()).toBeGreaterThanOrEqual(new Date(until).getTime());
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    for (const run of detail.body.next_runs) expect(run >= until).toBe(true);
    const lifted = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { paused_until: null },
    });
    expect(lifted.body.paused_until).toBeNull();
    expect(new Date(lifted.body.next_run_at!).getTime()).toBeLessThan(Date.now() + 6 * 60_000);
  });

  test('paused_until with catch_up latest: it comes due when the pause ends, once', async () => {
    const task = await api.createTask({ task_schedule: '*/5 * * * *' });
    const until = inHours(1);
    const paused = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { paused_until: until },
    });
    expect(paused.body.next_run_at).toBe(until);
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(detail.body.next_runs[0]).toBe(until);
    expect(detail.body.next_runs[1]! > until).toBe(true);
  });

  test('ends_at: past it, next_run_at is null', async () => {
    const task = await api.createTask({ task_schedule: '0 0 1 1 *', ends_at: inHours(2) });
    expect(task.next_run_at).toBeNull();
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${task.id}`);
    expect(detail.body.next_runs).toEqual([]);
  });

  test('skip-next moves next_run_at to the instant after it, and answers the task', async () => {
    const task = await api.createTask({ task_schedule: '0 * * * *' });
    const skipped = await api.request<Task>('POST', `/api/tasks/${task.id}/skip-next`);
    expect(skipped.status).toBe(200);
    expect(skipped.body.id).toBe(task.id);
    expect(new Date(skipped.body.next_run_at!).getTime() - new Date(task.next_run_at!).getTime()).toBe(HOUR);
    const stored = await api.database.tasks.findById(task.id);
    expect(stored?.next_run_at?.toISOString()).toBe(skipped.body.next_run_at);
  });

  test('a skipped run stays skipped when the task is saved with the same timing; a new timing plans again', async () => {
    const task = await api.createTask({ task_schedule: '0 * * * *', timezone: 'UTC', jitter_ms: 0 });
    const skipped = (await api.request<Task>('POST', `/api/tasks/${task.id}/skip-next`)).body;
    const same = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: {
        task_schedule: '0 * * * *',
        timezone: 'UTC',
        jitter_ms: 0,
        paused_until: null,
        catch_up: 'latest',
      },
    });
    expect(same.status).toBe(200);
    expect(same.body.next_run_at).toBe(skipped.next_run_at);
    const retimed = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_schedule: '30 * * * *' },
    });
    expect(new Date(retimed.body.next_run_at!).getTime()).toBeLessThan(Date.now() + HOUR);
    expect(retimed.body.next_run_at).toMatch(/:30:00\.000Z$/);
  });

  test('skip-next of a task that never comes due again: 409; of an unknown task: 404', async () => {
    const task = await api.createTask({ task_schedule: '0 0 1 1 *', ends_at: inHours(1) });
    const none = await api.request('POST', `/api/tasks/${task.id}/skip-next`);
    expect(none.status).toBe(409);
    expect(none.body).toEqual(errorShape('CONFLICT'));
    const unknown = await api.request('POST', '/api/tasks/00000000-0000-4000-8000-000000000000/skip-next');
    expect(unknown.status).toBe(404);
    // A chained task is told why: it has no instants at all.
    const upstream = await api.createTask({ task_name: 'upstream of skip' });
    const chained = await api.request<Task>('POST', '/api/tasks', {
      body: chainedInput([upstream.id], 'chained skip'),
    });
    const chainedSkip = await api.request<ApiErrorBody>('POST', `/api/tasks/${chained.body.id}/skip-next`);
    expect(chainedSkip.status).toBe(409);
    expect(chainedSkip.body.error.message).toMatch(/it is chained, and runs after its dependencies/);
  });
});

describe('bad input: 400 naming the field and what is expected', () => {
  const cases: { name: string; body: Record<string, unknown>; field: string; expected: RegExp }[] = [
    {
      name: 'starts_at not before ends_at',
      body: { starts_at: inHours(5), ends_at: inHours(4) },
      field: 'ends_at',
      expected: /expected ends_at after starts_at/,
    },
    {
      name: 'ends_at in the past',
      body: { ends_at: inHours(-1) },
      field: 'ends_at',
      expected: /future instant/,
    },
    {
      name: 'paused_until not an instant',
      body: { paused_until: 'next tuesday' },
      field: 'paused_until',
      expected: /RFC 3339 instant/,
    },
    {
      name: 'paused_until in the past',
      body: { paused_until: inHours(-1) },
      field: 'paused_until',
      expected: /has passed: expected a future instant .*or null to lift a pause/,
    },
    {
      name: 'deliver_within_ms below 1000',
      body: { deliver_within_ms: 999 },
      field: 'deliver_within_ms',
      expected: /from 1000/,
    },
    {
      name: 'jitter_ms above an hour',
      body: { jitter_ms: 3_600_001 },
      field: 'jitter_ms',
      expected: /0 to 3600000/,
    },
    { name: 'jitter_ms negative', body: { jitter_ms: -1 }, field: 'jitter_ms', expected: /0 to 3600000/ },
    {
      name: 'catch_up not one of the three',
      body: { catch_up: 'some' },
      field: 'catch_up',
      expected: /"latest", "none", "all"/,
    },
  ];
  test.each(cases)('create: $name', async ({ body, field, expected }) => {
    const error = await refused('POST', '/api/tasks', {
      task_name: 'x',
      task_schedule: '0 * * * *',
      webhook_url: 'http://127.0.0.1:9/w',
      json_payload: {},
      ...body,
    });
    expect(error.details[field]).toMatch(expected);
    expect(error.message).toContain(field);
  });

  test('PATCH: starts_at after the task’s own ends_at is refused, naming starts_at', async () => {
    const task = await api.createTask({ ends_at: inHours(4) });
    const error = await refused('PATCH', `/api/tasks/${task.id}`, { starts_at: inHours(5) });
    expect(error.details.starts_at).toMatch(/expected ends_at after starts_at/);
  });

  test('jitter_ms as long as the schedule’s interval is refused (it would reorder the runs), on create and PATCH', async () => {
    const created = await api.request('POST', '/api/tasks', {
      body: {
        task_name: 'too jittery',
        task_schedule: '* * * * *',
        webhook_url: 'http://127.0.0.1:9/w',
        json_payload: {},
        jitter_ms: 300_000,
      },
    });
    expect(created.status).toBe(400);
    expect((created.body as ApiErrorBody).error.details.jitter_ms).toMatch(
      /expected less than the schedule's shortest interval \(60000 ms between two of its instants\)/,
    );
    const task = await api.createTask({ task_schedule: '* * * * *', jitter_ms: 59_000 });
    expect(task.jitter_ms).toBe(59_000);
    // A schedule with a shorter interval under the same jitter: refused, and nothing changes.
    const faster = await refused('PATCH', `/api/tasks/${task.id}`, { task_schedule: '*/30 * * * * *' });
    expect(faster.details.jitter_ms).toMatch(/\(30000 ms/);
    const after = await api.request<Task>('GET', `/api/tasks/${task.id}`);
    expect(after.body.task_schedule).toBe('* * * * *');
  });

  test('PATCH: a paused_until in the past is refused and changes nothing', async () => {
    const task = await api.createTask({ task_schedule: '0 * * * *' });
    const error = await refused('PATCH', `/api/tasks/${task.id}`, { paused_until: inHours(-1), priority: 9 });
    expect(error.details.paused_until).toMatch(/has passed/);
    const after = await api.request<Task>('GET', `/api/tasks/${task.id}`);
    expect(after.body).toMatchObject({ paused_until: null, priority: task.priority });
  });

  test('PATCH: an ends_at in the past is allowed: the task ends there', async () => {
    const task = await api.createTask({ task_schedule: '0 * * * *' });
    const ended = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { ends_at: inHours(-1) },
    });
    expect(ended.status).toBe(200);
    expect(ended.body.next_run_at).toBeNull();
  });
});

describe('depends_on (SPEC §13)', () => {
  const named = (task: Task) => `"${task.task_name}" (${task.id})`;

  test('is stored and shown both ways: dependencies on the task, dependents on the dependency', async () => {
    const a = await api.createTask({ task_name: 'export A' });
    const b = await api.createTask({ task_name: 'report B', depends_on: [a.id] });
    const detailB = await api.request<TaskDetail>('GET', `/api/tasks/${b.id}`);
    expect(detailB.body).toMatchObject({
      depends_on: [a.id],
      dependencies: [{ id: a.id, task_name: 'export A' }],
    });
    const detailA = await api.request<TaskDetail>('GET', `/api/tasks/${a.id}`);
    expect(detailA.body.dependents).toEqual([{ id: b.id, task_name: 'report B' }]);
    // A chained task: depends_on and neither schedule nor run_at.
    const chained = await api.request<Task>('POST', '/api/tasks', {
      body: chainedInput([b.id], 'chained C'),
    });
    expect(chained.status).toBe(201);
    expect(chained.body).toMatchObject({
      task_schedule: null,
      run_at: null,
      next_run_at: null,
      next_runs: [],
    });
  });

  test('every answer about one task shows its dependencies and next instants: create, change, toggle, skip-next', async () => {
    const a = await api.createTask({ task_name: 'export A' });
    const b = await api.createTask({ task_name: 'export B' });
    const created = await api.request<Task>('POST', '/api/tasks', {
      body: taskInput({ task_name: 'report C', task_schedule: '0 * * * *', depends_on: [a.id] }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      depends_on: [a.id],
      dependencies: [{ id: a.id, task_name: 'export A' }],
    });
    expect(created.body.next_runs).toHaveLength(5);
    expect(created.body.next_runs[0]).toBe(created.body.next_run_at);
    const id = created.body.id;

    const changed = await api.request<Task>('PATCH', `/api/tasks/${id}`, {
      body: { task_schedule: '30 * * * *', depends_on: [b.id] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      depends_on: [b.id],
      dependencies: [{ id: b.id, task_name: 'export B' }],
    });
    expect(changed.body.next_runs).toHaveLength(5);
    for (const instant of changed.body.next_runs) expect(instant).toMatch(/:30:00\.000Z$/);

    const skipped = await api.request<Task>('POST', `/api/tasks/${id}/skip-next`);
    expect(skipped.body.next_runs[0]).toBe(skipped.body.next_run_at);
    expect(skipped.body.next_runs[0]).toBe(changed.body.next_runs[1]);
    expect(skipped.body.depends_on).toEqual(changed.body.depends_on);
    // What an answer shows is what a change takes: sent back as it came, it is accepted.
    const resent = await api.request<Task>('PATCH', `/api/tasks/${id}`, {
      body: { depends_on: skipped.body.depends_on },
    });
    expect(resent.status).toBe(200);
    expect(resent.body.next_run_at).toBe(skipped.body.next_run_at);

    // Disabled, it comes due never: no instants to show until it is enabled again.
    const paused = await api.request<Task>('POST', `/api/tasks/${id}/toggle`);
    expect(paused.body).toMatchObject({ enabled: false, next_runs: [] });
    const resumed = await api.request<Task>('POST', `/api/tasks/${id}/toggle`);
    expect(resumed.body.enabled).toBe(true);
    expect(resumed.body.next_runs).toHaveLength(5);
    expect(resumed.body).toMatchObject({
      depends_on: [b.id],
      dependencies: [{ id: b.id, task_name: 'export B' }],
    });
  });

  test('a chained task enabled again, by toggle or PATCH, waits for its next round: none completed while it was disabled', async () => {
    const a = await api.createTask({ task_name: 'export A' });
    const finished = async (finishedAt: Date) =>
      api.database.runs.create({
        task_id: a.id,
        scheduled_for: new Date(finishedAt.getTime() - 1000),
        trigger: 'schedule',
        status: 'finish',
        created_at: new Date(finishedAt.getTime() - 1000),
        finished_at: finishedAt,
      });
    const released = async () =>
      (await api.database.dependencies.releaseChainedRuns(100, (id, at) => `${id}_${at.getTime()}`)).map(
        (run) => run.taskId,
      );
    const c = (await api.request<Task>('POST', '/api/tasks', { body: chainedInput([a.id], 'chained C') }))
      .body;
    const d = (await api.request<Task>('POST', '/api/tasks', { body: chainedInput([a.id], 'chained D') }))
      .body;
    expect((await api.request<Task>('POST', `/api/tasks/${c.id}/toggle`)).body.enabled).toBe(false);
    expect(
      (await api.request<Task>('PATCH', `/api/tasks/${d.id}`, { body: { enabled: false } })).body.enabled,
    ).toBe(false);
    // A's round completes while both are disabled.
    await finished(new Date());
    expect(await released()).toEqual([]);
    expect((await api.request<Task>('POST', `/api/tasks/${c.id}/toggle`)).body.enabled).toBe(true);
    expect(
      (await api.request<Task>('PATCH', `/api/tasks/${d.id}`, { body: { enabled: true } })).body.enabled,
    ).toBe(true);
    expect(await released()).toEqual([]);
    // A's next round is theirs.
    await finished(new Date(Date.now() + 1000));
    expect((await released()).sort()).toEqual([c.id, d.id].sort());
  });

  test('an unknown id, duplicates and more than 20 are refused naming depends_on', async () => {
    const a = await api.createTask();
    const unknown = '00000000-0000-4000-8000-000000000001';
    const input = {
      task_name: 'x',
      task_schedule: '0 * * * *',
      webhook_url: 'http://127.0.0.1:9/w',
      json_payload: {},
    };
    expect(
      (await refused('POST', '/api/tasks', { ...input, depends_on: [unknown] })).details.depends_on,
    ).toMatch(new RegExp(`no task has the id ${unknown}`));
    expect(
      (await refused('POST', '/api/tasks', { ...input, depends_on: [a.id, a.id] })).details.depends_on,
    ).toMatch(/expected each task once/);
    const many = Array.from(
      { length: 21 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect((await refused('POST', '/api/tasks', { ...input, depends_on: many })).details.depends_on).toMatch(
      /at most 20 task ids/,
    );
    expect(
      (await refused('POST', '/api/tasks', { ...input, depends_on: ['nope'] })).details['depends_on.0'],
    ).toMatch(/task id/);
  });

  test('itself is refused', async () => {
    const a = await api.createTask();
    const error = await refused('PATCH', `/api/tasks/${a.id}`, { depends_on: [a.id] });
    // Named as a cycle names its tasks: by name and id.
    expect(error.details.depends_on).toContain(`cannot depend on itself: "${a.task_name}" (${a.id})`);
  });

  test('a cycle, also one closed by a PATCH of a third task, is refused naming each task of it', async () => {
    const a = await api.createTask({ task_name: 'cycle A' });
    const b = await api.createTask({ task_name: 'cycle B', depends_on: [a.id] });
    const c = await api.createTask({ task_name: 'cycle C', depends_on: [b.id] });
    // A → C would close A → C → B → A.
    const error = await refused('PATCH', `/api/tasks/${a.id}`, { depends_on: [c.id] });
    expect(error.details.depends_on).toContain(`${named(a)} → ${named(c)} → ${named(b)} → ${named(a)}`);
    // Nothing was stored.
    const detail = await api.request<TaskDetail>('GET', `/api/tasks/${a.id}`);
    expect(detail.body.depends_on).toEqual([]);
  });

  test('two edits that would close a cycle together, sent at once: one is taken, the other refused', async () => {
    for (let round = 0; round < 5; round += 1) {
      const x = await api.createTask({ task_name: `x${round}` });
      const y = await api.createTask({ task_name: `y${round}` });
      const answers = await Promise.all([
        api.request<ApiErrorBody>('PATCH', `/api/tasks/${x.id}`, { body: { depends_on: [y.id] } }),
        api.request<ApiErrorBody>('PATCH', `/api/tasks/${y.id}`, { body: { depends_on: [x.id] } }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
      const refusal = answers.find((answer) => answer.status === 400)?.body;
      expect(refusal?.error.details.depends_on).toMatch(/this would make a cycle/);
    }
  });

  test('a dependency deleted while a task naming it is created: 400 naming the id, and no task is left', async () => {
    for (let round = 0; round < 5; round += 1) {
      const upstream = await api.createTask({ task_name: `upstream ${round}` });
      const [created, deleted] = await Promise.all([
        api.request<ApiErrorBody & Task>('POST', '/api/tasks', {
          body: chainedInput([upstream.id], `after ${round}`),
        }),
        api.request('DELETE', `/api/tasks/${upstream.id}`),
      ]);
      expect(deleted.status).toBe(204);
      expect([201, 400]).toContain(created.status);
      if (created.status === 400) {
        expect(created.body.error.details.depends_on).toMatch(`no task has the id ${upstream.id}`);
        const named = await api.request<{ meta: { total: number } }>(
          'GET',
          `/api/tasks?search=after%20${round}`,
        );
        expect(named.body.meta.total).toBe(0);
      }
    }
  });

  describe('chained tasks (no task_schedule, no run_at)', () => {
    test('has no next instant: next_run_at null, next_runs empty', async () => {
      const a = await api.createTask();
      const created = await api.request<Task>('POST', '/api/tasks', { body: chainedInput([a.id]) });
      expect(created.status).toBe(201);
      const detail = await api.request<TaskDetail>('GET', `/api/tasks/${created.body.id}`);
      expect(detail.body).toMatchObject({ next_run_at: null, next_runs: [], task_status: 'ready' });
    });

    test('with an empty depends_on and no timing is refused naming task_schedule and run_at', async () => {
      const error = await refused('POST', '/api/tasks', chainedInput([]));
      expect(error.details.task_schedule).toMatch(/neither was given/);
      expect(error.details.run_at).toMatch(/neither was given/);
    });

    test('PATCH depends_on [] of a chained task is refused, and changes nothing', async () => {
      const a = await api.createTask({ task_name: 'upstream' });
      const chained = (await api.request<Task>('POST', '/api/tasks', { body: chainedInput([a.id]) })).body;
      const error = await refused('PATCH', `/api/tasks/${chained.id}`, { depends_on: [] });
      expect(error.details.depends_on).toMatch(/this task is chained .*expected at least one task id/);
      const detail = await api.request<TaskDetail>('GET', `/api/tasks/${chained.id}`);
      expect(detail.body).toMatchObject({
        depends_on: [a.id],
        dependencies: [{ id: a.id, task_name: 'upstream' }],
      });
    });

    test('PATCH depends_on [] with a task_schedule turns it into a scheduled task', async () => {
      const a = await api.createTask();
      const chained = (await api.request<Task>('POST', '/api/tasks', { body: chainedInput([a.id]) })).body;
      const patched = await api.request<Task>('PATCH', `/api/tasks/${chained.id}`, {
        body: { depends_on: [], task_schedule: '0 * * * *' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.task_schedule).toBe('0 * * * *');
      expect(patched.body.next_run_at).not.toBeNull();
    });

    test('PATCH task_schedule null with depends_on turns a scheduled task into a chained one', async () => {
      const a = await api.createTask({ task_name: 'upstream' });
      const scheduled = await api.createTask({ task_name: 'report' });
      const patched = await api.request<Task>('PATCH', `/api/tasks/${scheduled.id}`, {
        body: { task_schedule: null, depends_on: [a.id] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ task_schedule: null, run_at: null, next_run_at: null });
      const detail = await api.request<TaskDetail>('GET', `/api/tasks/${scheduled.id}`);
      expect(detail.body).toMatchObject({
        next_runs: [],
        depends_on: [a.id],
        dependencies: [{ id: a.id, task_name: 'upstream' }],
      });
    });

    test('PATCH run_at null of a one-time task with stored dependencies makes it chained', async () => {
      const a = await api.createTask({ task_name: 'upstream' });
      const once = await api.request<Task>('POST', '/api/tasks', {
        body: { ...chainedInput([a.id]), run_at: new Date(Date.now() + 3_600_000).toISOString() },
      });
      expect(once.body.next_run_at).not.toBeNull();
      const patched = await api.request<Task>('PATCH', `/api/tasks/${once.body.id}`, {
        body: { run_at: null },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ task_schedule: null, run_at: null, next_run_at: null });
    });

    test('its only dependency deleted: it is disabled, saying why and what to do', async () => {
      const a = await api.createTask({ task_name: 'the only one' });
      const chained = (await api.request<Task>('POST', '/api/tasks', { body: chainedInput([a.id]) })).body;
      expect((await api.request('DELETE', `/api/tasks/${a.id}`)).status).toBe(204);
      const detail = await api.request<TaskDetail>('GET', `/api/tasks/${chained.id}`);
      expect(detail.body).toMatchObject({ enabled: false, depends_on: [] });
      expect(detail.body.disabled_reason).toMatch(
        /DEPENDENCY_DELETED: "the only one" \([0-9a-f-]{36}\), the only task it ran after, was deleted.*give it depends_on/,
      );
    });

    test('PATCH task_schedule null without a dependency is refused naming task_schedule, and changes nothing', async () => {
      const scheduled = await api.createTask({ task_schedule: '0 9 * * *' });
      const error = await refused('PATCH', `/api/tasks/${scheduled.id}`, { task_schedule: null });
      expect(error.details.task_schedule).toMatch(/runs after its dependencies: expected depends_on/);
      const again = await refused('PATCH', `/api/tasks/${scheduled.id}`, {
        task_schedule: null,
        depends_on: [],
      });
      expect(again.details.task_schedule).toMatch(/expected depends_on with at least one task id/);
      const detail = await api.request<TaskDetail>('GET', `/api/tasks/${scheduled.id}`);
      expect(detail.body).toMatchObject({ task_schedule: '0 9 * * *' });
      expect(detail.body.next_run_at).not.toBeNull();
    });
  });
});
