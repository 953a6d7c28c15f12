import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@scheduler/config';
import type { NewTaskRow, TaskRow } from '@scheduler/db';
import {
  createDeliveryQueue,
  type DeliveryQueue,
  eventsChannel,
  type LiveEvent,
  parseLiveEvents,
  type Redis,
} from '@scheduler/queue';
import {
  baseEnv,
  clearPrefix,
  createTestDatabase,
  runFor,
  schedulerBin,
  type TestDatabase,
  testRedis,
  uniquePrefix,
  waitFor,
} from '@scheduler/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The `scheduler` command as a user runs it (the built code behind the committed bin),
 * on a database and Redis prefix of this file's own.
 */
let testDb: TestDatabase;
let prefix: string;
let redis: Redis;
let queue: DeliveryQueue;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  testDb = await createTestDatabase();
  prefix = uniquePrefix();
  redis = testRedis();
  queue = createDeliveryQueue(redis, prefix);
  env = baseEnv({ DATABASE_URL: testDb.url, REDIS_URL: loadConfig().redisUrl, REDIS_PREFIX: prefix });
});

afterAll(async () => {
  await queue.close();
  await clearPrefix(redis, prefix);
  await redis.quit();
  await testDb.drop();
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scheduler ...args` to its end. */
function cli(...args: string[]): Promise<CliResult> {
  return cliWith({}, ...args);
}

/** Runs `scheduler ...args` to its end with some variables changed. */
function cliWith(changes: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [schedulerBin, ...args], {
      env: { ...env, ...changes },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed and print JSON, and returns that JSON. */
async function cliJson<T>(...args: string[]): Promise<T> {
  const result = await cli(...args);
  expect(result, `scheduler ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as T;
}

/** `tasks create` of a yearly task named `name` aimed at a closed loopback port, before its own options. */
const createArgs = (name: string, payload = '{}') => [
  'tasks',
  'create',
  '--name',
  name,
  '--schedule',
  '0 0 1 1 *',
  '--url',
  'http://127.0.0.1:9/hook',
  '--payload',
  payload,
];

/** A task put in place through the real repository, as a factory. */
async function insertTask(values: Partial<NewTaskRow> = {}): Promise<TaskRow> {
  return testDb.tasks.create({
    task_name: `factory task ${Math.random().toString(36).slice(2, 8)}`,
    task_schedule: '0 0 1 1 *',
    webhook_url: 'http://127.0.0.1:9/hook',
    json_payload: JSON.stringify({ from: 'factory' }),
    next_run_at: new Date('2099-01-01T00:00:00Z'),
    ...values,
  });
}

async function countTasks(): Promise<number> {
  const { count } = await testDb.db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** A task as the CLI prints it with --json. */
interface TaskJson {
  id: string;
  task_name: string;
  task_schedule: string;
  webhook_url: string;
  json_payload: unknown;
  max_retry: number;
  task_status: string;
  enabled: boolean;
  timezone: string;
  next_run_at: string | null;
  last_run_at: string | null;
}

const MINUTE = 60_000;

describe('scheduler --help', () => {
  it('lists the publisher, the worker and the task commands with their options', async () => {
    const [top, tasks, publisher, worker] = await Promise.all([
      cli('--help'),
      cli('tasks', '--help'),
      cli('publisher', '--help'),
      cli('worker', '--help'),
    ]);

    expect(top.code).toBe(0);
    // The root's help alone says it all (SPEC §7): each command with its options, and every task command.
    expect(top.stdout).toMatch(/^\s+publisher \[--interval <ms>\] \[--once\]\s/m);
    expect(top.stdout).toMatch(/^\s+worker \[--concurrency <n>\]\s/m);
    expect(top.stdout).toMatch(
      /^\s+tasks list\|get\|create\|update\|secret\|rotate-secret\|delete\|toggle\|run\|cancel\|skip-next\s/m,
    );
    expect(top.stdout).toMatch(/^\s+runs list\|get\|retry\|cancel\s/m);
    expect(tasks.code).toBe(0);
    for (const sub of ['list', 'get', 'create', 'update', 'delete', 'toggle', 'run', 'cancel']) {
      expect(tasks.stdout).toMatch(new RegExp(`^\\s+${sub}\\b`, 'm'));
    }
    expect(publisher.code).toBe(0);
    expect(publisher.stdout).toContain('--interval <ms>');
    expect(publisher.stdout).toContain('--once');
    expect(worker.code).toBe(0);
    expect(worker.stdout).toContain('--concurrency <n>');
  });
});

describe('scheduler tasks', () => {
  it('creates a task, computes its next run and defaults max_retry to 3', async () => {
    const before = Date.now();

    const task = await cliJson<TaskJson>(
      'tasks',
      'create',
      '--name',
      'nightly report',
      '--schedule',
      '*/10 * * * *',
      '--url',
      'https://example.com/hooks/report',
      '--payload',
      '{"content":"hello","n":[1,2]}',
      '--json',
    );

    expect(task).toMatchObject({
      task_name: 'nightly report',
      task_schedule: '*/10 * * * *',
      webhook_url: 'https://example.com/hooks/report',
      json_payload: { content: 'hello', n: [1, 2] },
      max_retry: 3,
      task_status: 'ready',
      enabled: true,
      timezone: 'UTC',
      last_run_at: null,
    });
    const next = new Date(task.next_run_at ?? '');
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + 10 * MINUTE);
    expect(next.getUTCMinutes() % 10).toBe(0);
    expect(next.getUTCSeconds()).toBe(0);
    const row = await testDb.tasks.findById(task.id);
    expect(row).toMatchObject({ task_name: 'nightly report', max_retry: 3, json_payload: task.json_payload });
  });

  it('reads the schedule in the given timezone and keeps the given max retry', async () => {
    const task = await cliJson<TaskJson>(
      'tasks',
      'create',
      '--name',
      'paris morning',
      '--schedule',
      '30 9 * * *',
      '--timezone',
      'Europe/Paris',
      '--max-retry',
      '0',
      '--url',
      'http://127.0.0.1:9/hook',
      '--payload',
      '[1,2,3]',
      '--disabled',
      '--json',
    );

    expect(task).toMatchObject({
      timezone: 'Europe/Paris',
      max_retry: 0,
      enabled: false,
      json_payload: [1, 2, 3],
    });
    const parisTime = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(task.next_run_at ?? ''));
    expect(parisTime).toBe('09:30');
  });

  it('takes each field under its column name too, but not under both names at once', async () => {
    const task = await cliJson<TaskJson>(
      'tasks',
      'create',
      '--task-name',
      'by column names',
      '--task-schedule',
      '0 6 * * *',
      '--webhook-url',
      'http://127.0.0.1:9/hook',
      '--json-payload',
      '{"content":"hi"}',
      '--enabled',
      'false',
      '--json',
    );
    expect(task).toMatchObject({
      task_name: 'by column names',
      task_schedule: '0 6 * * *',
      webhook_url: 'http://127.0.0.1:9/hook',
      json_payload: { content: 'hi' },
      enabled: false,
    });

    await testDb.tasks.update(task.id, { task_status: 'failed' });
    const rearmed = await cliJson<TaskJson>('tasks', 'update', task.id, '--task-status', 'ready', '--json');
    expect(rearmed.task_status).toBe('ready');

    const both = await cli('tasks', 'update', task.id, '--name', 'a', '--task-name', 'b');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/'--task-name <name>' cannot be used with option '--name <name>'/);
    expect((await testDb.tasks.findById(task.id))?.task_name).toBe('by column names');
  });

  it('lists tasks with paging meta, and finds one by name', async () => {
    const task = await insertTask({ task_name: 'listed-needle-task' });
    const total = await countTasks();

    const [all, found] = await Promise.all([
      cliJson<{ data: TaskJson[]; meta: unknown }>('tasks', 'list', '--json'),
      cliJson<{ data: TaskJson[]; meta: unknown }>('tasks', 'list', '--search', 'needle', '--json'),
    ]);

    expect(all.meta).toEqual({ page: 1, limit: 20, total, total_pages: Math.ceil(total / 20) });
    expect(all.data.map((t) => t.id)).toContain(task.id);
    expect(found.data.map((t) => t.id)).toEqual([task.id]);
    expect(found.meta).toEqual({ page: 1, limit: 20, total: 1, total_pages: 1 });
    // As the API shows a task: with its latest attempt, without the internal job id.
    expect(found.data[0]).toHaveProperty('last_attempt', null);
    expect(found.data[0]).not.toHaveProperty('job_id');
  });

  it('shows one task in human form', async () => {
    const task = await insertTask({ task_name: 'shown in full' });

    const result = await cli('tasks', 'get', task.id);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(task.id);
    expect(result.stdout).toContain('shown in full');
    expect(result.stdout).toContain('0 0 1 1 *');
  });

  it('shows no next run for a paused task or a failed one, only what a user must do first', async () => {
    const paused = await insertTask({
      task_name: 'paused-next-run',
      enabled: false,
      next_run_at: new Date(Date.now() - 32_000),
    });
    const failed = await insertTask({ task_name: 'failed-next-run', task_status: 'failed' });

    const [pausedShown, failedShown, listed] = await Promise.all([
      cli('tasks', 'get', paused.id),
      cli('tasks', 'get', failed.id),
      cli('tasks', 'list', '--search', '-next-run'),
    ]);

    expect(pausedShown.stdout).toMatch(/^next run: +not until enabled$/m);
    expect(failedShown.stdout).toMatch(/^next run: +not until re-armed$/m);
    const rows = listed.stdout.split('\n');
    expect(rows.find((row) => row.includes('paused-next-run'))).toMatch(/ not until enabled$/);
    expect(rows.find((row) => row.includes('failed-next-run'))).toMatch(/ not until re-armed$/);
    expect(listed.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('toggles a task off and back on', async () => {
    const task = await insertTask();

    const paused = await cliJson<TaskJson>('tasks', 'toggle', task.id, '--json');
    expect(paused.enabled).toBe(false);
    expect((await testDb.tasks.findById(task.id))?.enabled).toBe(false);

    const resumed = await cliJson<TaskJson>('tasks', 'toggle', task.id, '--json');
    expect(resumed.enabled).toBe(true);
    expect((await testDb.tasks.findById(task.id))?.enabled).toBe(true);
  });

  it('moves next_run_at when the schedule changes', async () => {
    const task = await insertTask({
      task_schedule: '0 0 1 1 *',
      next_run_at: new Date('2099-01-01T00:00:00Z'),
    });
    const before = Date.now();

    const updated = await cliJson<TaskJson>(
      'tasks',
      'update',
      task.id,
      '--schedule',
      '*/5 * * * *',
      '--json',
    );

    expect(updated.task_schedule).toBe('*/5 * * * *');
    const next = new Date(updated.next_run_at ?? '');
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + 5 * MINUTE);
    expect(next.getUTCMinutes() % 5).toBe(0);
    expect((await testDb.tasks.findById(task.id))?.next_run_at).toEqual(next);
  });

  it('queues a run now, and refuses a second one while the first is running', async () => {
    const task = await insertTask({ max_retry: 2 });

    const run = await cliJson<{ id: string; task_id: string; scheduled_for: string; trigger: string }>(
      'tasks',
      'run',
      task.id,
      '--json',
    );

    expect(run).toMatchObject({ task_id: task.id, trigger: 'manual', status: 'queued' });
    const current = await testDb.tasks.findById(task.id);
    expect(current?.task_status).toBe('running');
    const job = await queue.getJob(current?.job_id ?? '');
    expect(job?.data).toEqual({
      taskId: task.id,
      runId: run.id,
      scheduledFor: run.scheduled_for,
      trigger: 'manual',
      destination: 'http://127.0.0.1:9',
    });
    expect(job?.opts.attempts).toBe(3);

    const again = await cli('tasks', 'run', task.id, '--json');

    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^error: .*running/);
    // Every run carries its task's priority (SPEC §12): it waits among the prioritized jobs.
    expect(await queue.getJobCounts('prioritized', 'delayed', 'active')).toMatchObject({
      prioritized: 1,
      delayed: 0,
      active: 0,
    });
  });

  it("cancels a task's run (exit 0), then has nothing to cancel (exit 1, saying why)", async () => {
    const task = await insertTask();
    const run = await cliJson<{ id: string }>('tasks', 'run', task.id, '--json');
    const cancelled = await cli('tasks', 'cancel', task.id);
    expect(cancelled).toMatchObject({ code: 0, stderr: '' });
    expect(cancelled.stdout).toContain(`cancelled run ${run.id}`);
    expect(await testDb.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
    expect(
      await queue.getJob(
        `${task.id}_${Date.parse((await testDb.runs.findById(run.id))!.scheduled_for.toISOString())}`,
      ),
    ).toBeUndefined();

    const again = await cli('tasks', 'cancel', task.id);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^error: Task .* has no run queued or running: nothing to cancel\.\n$/);
    const unknown = await cli('tasks', 'cancel', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/does not exist/);
  });

  it('runs list, get, retry (with an edited payload) and cancel', async () => {
    const task = await insertTask({ task_name: 'history' });
    const failed = await testDb.runs.create({
      task_id: task.id,
      scheduled_for: new Date('2030-01-01T00:00:00Z'),
      trigger: 'schedule',
      status: 'failed',
      message: 'HTTP 500 — gave up after 3 attempts',
      finished_at: new Date(),
    });
    const list = await cliJson<{ data: { id: string; task_name: string }[]; meta: { total: number } }>(
      'runs',
      'list',
      '--task',
      task.id,
      '--status',
      'failed,expired',
      '--json',
    );
    expect(list).toMatchObject({ data: [{ id: failed.id, task_name: 'history' }], meta: { total: 1 } });
    const human = await cli('runs', 'list', '--task', task.id);
    expect(human.stdout).toMatch(
      new RegExp(`^${failed.id}  2030-01-01T00:00:00.000Z  schedule +failed`, 'm'),
    );
    const bad = await cli('runs', 'list', '--status', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/status: expected one or more of queued, running/);

    const shown = await cli('runs', 'get', failed.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status: +failed$/m);
    expect(shown.stdout).toMatch(/^attempts: +none yet$/m);

    const retry = await cliJson<{ id: string; trigger: string; retry_of: string; payload_override: unknown }>(
      'runs',
      'retry',
      failed.id,
      '--payload',
      '{"content":"again"}',
      '--json',
    );
    expect(retry).toMatchObject({
      trigger: 'retry',
      retry_of: failed.id,
      payload_override: { content: 'again' },
    });
    const busy = await cli('runs', 'retry', failed.id);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/running/);

    const cancelled = await cliJson<{ id: string; status: string }>('runs', 'cancel', retry.id, '--json');
    expect(cancelled).toMatchObject({ id: retry.id, status: 'cancelled' });
    const ended = await cli('runs', 'cancel', retry.id);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/has ended \(cancelled\): nothing to cancel/);
  });

  it('creates a one-time task with --run-at; --run-at with --schedule is refused naming both', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const task = await cliJson<{ task_schedule: string | null; run_at: string; next_run_at: string }>(
      'tasks',
      'create',
      '--name',
      'once',
      '--run-at',
      at,
      '--url',
      'http://127.0.0.1:9/hook',
      '--payload',
      '{}',
      '--json',
    );
    expect(task).toMatchObject({ task_schedule: null, run_at: at, next_run_at: at });
    const both = await cli(
      'tasks',
      'create',
      '--name',
      'both',
      '--run-at',
      at,
      '--schedule',
      '* * * * *',
      '--url',
      'http://127.0.0.1:9/hook',
      '--payload',
      '{}',
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/task_schedule: .*not both; run_at: .*not both/);
  });

  it('creates a chained task with --depends-on, and makes a scheduled one chained with --schedule none', async () => {
    const hook = ['--url', 'http://127.0.0.1:9/hook', '--payload', '{}'];
    const upstream = await cliJson<{ id: string }>(
      'tasks',
      'create',
      '--name',
      'upstream',
      '--schedule',
      '0 * * * *',
      ...hook,
      '--json',
    );
    const chained = await cliJson<{
      task_schedule: string | null;
      run_at: string | null;
      next_run_at: string | null;
    }>('tasks', 'create', '--name', 'after upstream', '--depends-on', upstream.id, ...hook, '--json');
    expect(chained).toMatchObject({ task_schedule: null, run_at: null, next_run_at: null });

    const scheduled = await cliJson<{ id: string }>(
      'tasks',
      'create',
      '--name',
      'report',
      '--schedule',
      '0 9 * * *',
      ...hook,
      '--json',
    );
    const alone = await cli('tasks', 'update', scheduled.id, '--schedule', 'none');
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(/task_schedule: .*expected depends_on with at least one task id/);
    const updated = await cliJson<{ task_schedule: string | null; next_run_at: string | null }>(
      'tasks',
      'update',
      scheduled.id,
      '--schedule',
      'none',
      '--depends-on',
      upstream.id,
      '--json',
    );
    expect(updated).toMatchObject({ task_schedule: null, next_run_at: null });
  });

  it('takes the execution control flags, skips the next run, and refuses a bad --catch-up with exit 2', async () => {
    const endsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const task = await cliJson<TaskJson & Record<string, unknown>>(
      'tasks',
      'create',
      '--name',
      'controlled',
      '--schedule',
      '0 * * * *',
      '--url',
      'http://127.0.0.1:9/hook',
      '--payload',
      '{}',
      '--ends-at',
      endsAt,
      '--deliver-within-ms',
      '5000',
      '--catch-up',
      'none',
      '--jitter-ms',
      '0',
      '--json',
    );
    expect(task).toMatchObject({ ends_at: endsAt, deliver_within_ms: 5000, catch_up: 'none', jitter_ms: 0 });
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const paused = await cliJson<TaskJson & Record<string, unknown>>(
      'tasks',
      'update',
      task.id,
      '--paused-until',
      until,
      '--ends-at',
      'none',
      '--json',
    );
    expect(paused).toMatchObject({ paused_until: until, ends_at: null });
    const skipped = await cliJson<TaskJson>('tasks', 'skip-next', task.id, '--json');
    expect(new Date(skipped.next_run_at!).getTime() - new Date(paused.next_run_at!).getTime()).toBe(
      3_600_000,
    );
    const bad = await cli('tasks', 'update', task.id, '--catch-up', 'sometimes');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/catch_up: expected one of "latest", "none", "all"/);
  });

  it('ends a run with one clear line when Redis is out of reach, leaving the task ready', async () => {
    const task = await insertTask();
    const closedPort = 'redis://127.0.0.1:9';

    const started = Date.now();
    const result = await cliWith({ REDIS_URL: closedPort }, 'tasks', 'run', task.id);

    // Bounded: the command does not wait for Redis to come back (cli() kills it after 15 s).
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^error: Redis is out of reach at redis:\/\/127\.0\.0\.1:9 .*nothing was queued/),
    ]);
    expect(await testDb.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
  });

  it('deletes a task; after that it does not exist', async () => {
    const task = await insertTask();

    const deleted = await cli('tasks', 'delete', task.id);
    expect(deleted).toMatchObject({ code: 0, stderr: '' });
    expect(await testDb.tasks.findById(task.id)).toBeUndefined();

    const gone = await cli('tasks', 'get', task.id);
    expect(gone.code).toBe(1);
    expect(gone.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/does not exist/)]);
  });

  it('says an unknown task id does not exist', async () => {
    const result = await cli('tasks', 'get', '6f1c2a0e-8f5b-4c1e-9d3a-2b7e4f6a8c9d');

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/6f1c2a0e-8f5b-4c1e-9d3a-2b7e4f6a8c9d does not exist/),
    ]);
  });

  it('exits cleanly on every successful run (no late Redis error after closing)', async () => {
    // A task command's Queue may still be connecting when the command is done and
    // closes its connections; that must not end in an unhandled "Connection is closed".
    const task = await insertTask();

    const results = await Promise.all(Array.from({ length: 10 }, () => cli('tasks', 'get', task.id)));

    const failures = results.filter((r) => r.code !== 0 || r.stderr !== '');
    expect(failures.map((r) => `${r.code}: ${r.stderr.split('\n')[0]}`)).toEqual([]);
  });
});

describe('live events (SPEC §15)', () => {
  it('a change made with the CLI reaches the dashboards as one made in the API does', async () => {
    const subscriber = redis.duplicate();
    const events: LiveEvent[] = [];
    subscriber.on('message', (_channel: string, message: string) => events.push(...parseLiveEvents(message)));
    await subscriber.subscribe(eventsChannel(prefix));
    try {
      const task = await cliJson<TaskJson>(...createArgs('announced'), '--json');
      await waitFor('task.created', async () =>
        events.some((e) => e.event === 'task.created' && e.data.task_id === task.id),
      );
      expect((await cli('tasks', 'toggle', task.id)).code).toBe(0);
      expect((await cli('tasks', 'delete', task.id)).code).toBe(0);
      await waitFor('task.updated and task.deleted', async () =>
        ['task.updated', 'task.deleted'].every((name) =>
          events.some((e) => e.event === name && e.data.task_id === task.id),
        ),
      );
      // A command that changes nothing announces nothing.
      const before = events.length;
      expect((await cli('tasks', 'list', '--json')).code).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events).toHaveLength(before);
    } finally {
      await subscriber.quit();
    }
  });
});

describe('text from users and webhooks on a terminal', () => {
  // A name that would clear the screen, print in red and fake a line of output of its own.
  const hostile = '\u001b[2J\u001b[31mPWNED\u001b[0m\nfake line\u202e\u009b';
  const shown = '\\x1b[2J\\x1b[31mPWNED\\x1b[0m\\nfake line\\u202e\\x9b';
  /** Whatever a terminal would act on: C0 controls but the newline, DEL, C1, bidi overrides. */
  // eslint-disable-next-line no-control-regex -- the test looks for control characters
  const actedOn = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

  it('shows control characters as escapes in tasks get and tasks list, never raw', async () => {
    const task = await insertTask({
      task_name: hostile,
      webhook_url: 'http://127.0.0.1:9/hook?\u001b]0;title\u0007',
    });
    const scheduledFor = new Date();
    const attempt = await testDb.attempts.insertAttempt({
      taskId: task.id,
      scheduledFor,
      retryCount: 0,
      runId: await runFor(testDb, task.id, scheduledFor),
    });
    await testDb.attempts.finishAttempt(
      {
        attemptId: attempt?.id ?? '',
        status: 'failed',
        executionTime: 5,
        httpStatus: 500,
        message: 'HTTP 500: \u001b[1mdown\r\nnext line',
      },
      { kind: 'continues' },
    );

    const get = await cli('tasks', 'get', task.id);
    const list = await cli('tasks', 'list', '--search', 'PWNED');

    for (const result of [get, list]) {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).not.toMatch(actedOn);
      expect(result.stdout).toContain(shown);
      expect(result.stdout.split('\n').filter((line) => line.startsWith('fake line'))).toEqual([]);
    }
    expect(get.stdout).toContain('hook?\\x1b]0;title\\x07');
    expect(get.stdout).toContain('HTTP 500: \\x1b[1mdown\\r\\nnext line');
  });

  it('keeps --json exact: the name comes back as it was stored', async () => {
    const task = await insertTask({ task_name: hostile });

    const got = await cliJson<TaskJson>('tasks', 'get', task.id, '--json');

    expect(got.task_name).toBe(hostile);
  });

  it('escapes what an error message quotes back', async () => {
    const result = await cli(
      'tasks',
      'create',
      '--name',
      'x',
      '--schedule',
      '* * * * *',
      '--url',
      'http://127.0.0.1:9/h',
      '--payload',
      '{}',
      '--timezone',
      'Mars/\u001b[2JBase',
    );
    const unknown = await cli('tasks', 'list', '--\u001b[31mred');

    for (const refused of [result, unknown]) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).not.toMatch(actedOn);
      expect(refused.stderr).toContain('\\x1b[');
    }
  });
});

describe('bad input', () => {
  const create = (...changes: string[]) => {
    const fields: Record<string, string> = {
      '--name': 'should never be stored',
      '--schedule': '*/5 * * * *',
      '--url': 'http://127.0.0.1:9/hook',
      '--payload': '{"a":1}',
    };
    const extra: string[] = [];
    for (let i = 0; i < changes.length; i += 2) {
      const [option, value] = [changes[i] ?? '', changes[i + 1]];
      if (value !== undefined && option in fields) fields[option] = value;
      else extra.push(...(value === undefined ? [option] : [option, value]));
    }
    return ['tasks', 'create', ...Object.entries(fields).flat(), ...extra];
  };

  const cases: [string, string[], RegExp][] = [
    ['a minute out of range', create('--schedule', '61 * * * *'), /minutes.*0-59/],
    [
      'an unknown timezone',
      create('--timezone', 'Mars/Olympus_Mons'),
      /timezone.*Mars\/Olympus_Mons.*expected an IANA/,
    ],
    ['a non-http URL', create('--url', 'ftp://x'), /ftp.*expected http or https/],
    ['a payload that is not JSON', create('--payload', '{oops'), /--payload.*not valid JSON/],
    [
      'a payload that is a JSON string',
      create('--payload', '"text"'),
      /json_payload.*object or array.*string/,
    ],
    ['a max retry above 10', create('--max-retry', '11'), /max_retry.*0 to 10/],
    ['a max retry in hex', create('--max-retry', '0x0A'), /max_retry.*whole number from 0 to 10/],
    ['a NUL in the payload', create('--payload', '{"a":"\\u0000"}'), /json_payload.*NUL character/],
    ['a page size over 100', ['tasks', 'list', '--limit', '500'], /limit.*page size from 1 to 100, got 500/],
    ['a search over 200 characters', ['tasks', 'list', '--search', 'x'.repeat(201)], /search.*at most 200/],
    ['an unknown option', create('--colour', 'red'), /unknown option '--colour'/],
    [
      'a deadline under a second',
      create('--deliver-within-ms', '10'),
      /deliver_within_ms.*from 1000 .*"none" in the CLI/,
    ],
  ];

  it('refuses each with exit 2 and one line that says what was expected, storing nothing', async () => {
    const before = await countTasks();

    const results = await Promise.all(cases.map(([, args]) => cli(...args)));

    const seen = results.map((r, i) => ({
      case: cases[i]?.[0],
      code: r.code,
      stdout: r.stdout,
      stderr: r.stderr,
    }));
    expect(seen).toEqual(
      cases.map(([what, , message]) => ({
        case: what,
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(new RegExp(`^[^\\n]*${message.source}[^\\n]*\\n$`)) as unknown,
      })),
    );
    expect(await countTasks()).toBe(before);
  });

  it('refuses a create missing a required option with exit 2, naming the option', async () => {
    const before = await countTasks();

    const result = await cli(
      'tasks',
      'create',
      '--name',
      'no url',
      '--schedule',
      '* * * * *',
      '--payload',
      '{}',
    );

    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/--url/)]);
    expect(await countTasks()).toBe(before);
  });

  it('refuses a bad schedule in an update and leaves the task as it was', async () => {
    const task = await insertTask({ task_schedule: '0 12 * * *' });

    const result = await cli('tasks', 'update', task.id, '--schedule', '0 25 * * *');

    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/hours.*0-23/)]);
    expect(await testDb.tasks.findById(task.id)).toEqual(task);
  });

  it('refuses a non-numeric publisher interval and worker concurrency with exit 2', async () => {
    const [publisher, worker] = await Promise.all([
      cli('publisher', '--interval', 'abc'),
      cli('worker', '--concurrency', '0'),
    ]);

    expect(publisher.code).toBe(2);
    expect(publisher.stderr).toMatch(/--interval expects a whole number above 0, got "abc"/);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(/--concurrency expects a whole number above 0, got "0"/);
  });
});

describe('scheduler destinations', () => {
  it('set, list and reset a destination’s limits; bad limits and keys exit 2 naming the field', async () => {
    await insertTask({ webhook_url: 'https://discord.com/api/webhooks/555/tok' });
    const set = await cliJson<{ key: string; max_concurrency: number; rate_limit_max: number | null }>(
      'destinations',
      'set',
      'https://limits.example.com',
      '--max-concurrency',
      '2',
      '--rate-limit-max',
      '5',
      '--rate-limit-per-seconds',
      '2',
      '--json',
    );
    expect(set).toMatchObject({
      key: 'https://limits.example.com:443',
      max_concurrency: 2,
      rate_limit_max: 5,
    });
    const listed = await cliJson<{ data: { key: string; max_concurrency: number }[] }>(
      'destinations',
      'list',
      '--json',
    );
    expect(listed.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'https://limits.example.com:443', max_concurrency: 2 }),
        expect.objectContaining({ key: 'discord:555', max_concurrency: 10 }),
      ]),
    );
    const human = await cli('destinations', 'list');
    expect(human.stdout).toMatch(/^https:\/\/limits\.example\.com:443 {2}max 2 in flight, 5\/2 s/m);
    // `default` clears one limit, as the help says; the others stay.
    const cleared = await cliJson<{ max_concurrency: number; rate_limit_max: number | null }>(
      'destinations',
      'set',
      'https://limits.example.com',
      '--max-concurrency',
      'default',
      '--json',
    );
    expect(cleared).toMatchObject({ max_concurrency: 10, rate_limit_max: 5 });

    const zero = await cli('destinations', 'set', 'discord:555', '--max-concurrency', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/max_concurrency/);
    const badKey = await cli('destinations', 'set', 'https://example.com/a/path', '--max-concurrency', '3');
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/key: expected a destination/);

    expect(await cli('destinations', 'reset', 'https://limits.example.com')).toMatchObject({ code: 0 });
    const after = await cliJson<{ data: { key: string }[] }>('destinations', 'list', '--json');
    expect(after.data.map((d) => d.key)).not.toContain('https://limits.example.com:443');
  });
});

describe('request options and secrets (SPEC §14)', () => {
  it('creates a PUT task with headers and a timeout: masked in its output, whole in storage; prints its secret once', async () => {
    const created = await cliJson<TaskJson & { headers: Record<string, string>; signing_secret: string }>(
      ...createArgs('with options', '{"a":1}'),
      '--http-method',
      'PUT',
      '--header',
      'Authorization: Bearer 0123456789abcdefWXYZ',
      '--header',
      'X-Team: reports',
      '--timeout-ms',
      '5000',
      '--json',
    );

    expect(created).toMatchObject({
      http_method: 'PUT',
      timeout_ms: 5000,
      headers: { Authorization: '********WXYZ', 'X-Team': 'reports' },
    });
    expect(created.signing_secret).toMatch(/^whsec_/);
    const stored = await testDb.tasks.findById(created.id);
    expect(stored?.headers).toEqual({ Authorization: 'Bearer 0123456789abcdefWXYZ', 'X-Team': 'reports' });
    const shown = await cli('tasks', 'get', created.id);
    expect(shown.stdout).toContain('********WXYZ');
    expect(shown.stdout).not.toContain('0123456789abcdef');
    expect(shown.stdout).not.toContain(created.signing_secret);
    const secret = await cli('tasks', 'secret', created.id);
    expect(secret.stdout.trim()).toBe(created.signing_secret);
  });

  it('sets, shows and clears a task’s alert_url; refuses a private address, naming the field', async () => {
    const created = await cliJson<TaskJson & { alert_url: string | null }>(
      ...createArgs('alerting'),
      '--alert-url',
      'http://127.0.0.1:9/alerts',
      '--json',
    );
    expect(created.alert_url).toBe('http://127.0.0.1:9/alerts');
    expect((await cli('tasks', 'get', created.id)).stdout).toMatch(
      /alerts to: +http:\/\/127\.0\.0\.1:9\/alerts/,
    );
    const cleared = await cliJson<{ alert_url: string | null }>(
      'tasks',
      'update',
      created.id,
      '--alert-url',
      'none',
      '--json',
    );
    expect(cleared.alert_url).toBeNull();
    const refused = await cli('tasks', 'update', created.id, '--alert-url', 'http://10.0.0.1/alerts');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/alert_url: .*private/);
  });

  it('refuses a forbidden header with exit 2, naming it', async () => {
    const result = await cli(...createArgs('bad header'), '--header', 'Host: internal');

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/headers\.Host: Host is set by the HTTP client/);
  });
});

describe('scheduler webhooks test (SPEC §14)', () => {
  let receiver: http.Server;
  let origin: string;
  const received: { method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url === '/broken') res.writeHead(503).end('come back later');
        else res.writeHead(200).end('got it');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('sends one request and prints status, time and answer; --json for scripts', async () => {
    received.length = 0;
    const human = await cli('webhooks', 'test', '--url', `${origin}/hook`, '--payload', '{"text":"ping"}');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^HTTP 200 in \d+ ms\ngot it\n$/);

    const json = await cliJson<Record<string, unknown>>(
      'webhooks',
      'test',
      '--url',
      `${origin}/hook`,
      '--payload',
      '{"text":"{{trigger}} #{{attempt}}"}',
      '--method',
      'PATCH',
      '--header',
      'X-Team: reports',
      '--json',
    );
    expect(json).toEqual({
      http_status: 200,
      execution_time: expect.any(Number) as unknown,
      response: 'got it',
      error: null,
    });
    expect(received).toHaveLength(2);
    expect(received[1]).toMatchObject({ method: 'PATCH', body: '{"text":"manual #1"}' });
    expect(received[1]?.headers['x-team']).toBe('reports');
  });

  it('an answer other than 2xx: printed, exit 1', async () => {
    const result = await cli('webhooks', 'test', '--url', `${origin}/broken`, '--payload', '{}');

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^HTTP 503 in \d+ ms \(HTTP 503: the webhook did not accept it\)\ncome back later\n$/,
    );
  });

  it('bad input and a refused target: exit 2 naming the field, no request', async () => {
    received.length = 0;
    const placeholder = await cli(
      'webhooks',
      'test',
      '--url',
      `${origin}/hook`,
      '--payload',
      '{"a":"{{nope}}"}',
    );
    expect(placeholder.code).toBe(2);
    expect(placeholder.stderr).toMatch(
      /json_payload: json_payload\.a: \{\{nope\}\} is not a known placeholder/,
    );

    const refused = await cli('webhooks', 'test', '--url', 'http://127.0.0.2:9/hook', '--payload', '{}');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/webhook_url: 127\.0\.0\.2 is a loopback address/);
    expect(received).toHaveLength(0);
  });
});
