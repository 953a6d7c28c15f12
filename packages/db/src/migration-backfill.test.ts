import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@scheduler/config';
import { databaseUrlFor } from '@scheduler/test-support';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createDatabase, type Database } from './database';
import { migrate, migrationsDir } from './migrate';

/** The migration that gives runs their rows, carrying the attempts made before it over. */
const RUNS_MIGRATION = '20261207000000_task_runs.sql';

const name = `scheduler_test_backfill_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const url = databaseUrlFor(loadConfig().databaseUrl, name);
let earlier: string;
let db: Database;

beforeAll(async () => {
  // The schema as it stood before runs: every migration older than RUNS_MIGRATION.
  earlier = await mkdtemp(path.join(tmpdir(), 'migrations-before-runs-'));
  for (const file of await readdir(migrationsDir)) {
    if (file < RUNS_MIGRATION) await copyFile(path.join(migrationsDir, file), path.join(earlier, file));
  }
  await migrate(url, earlier);
  db = createDatabase(url, { max: 2 });
});

afterAll(async () => {
  await db?.destroy();
  const admin = new pg.Client({ connectionString: databaseUrlFor(loadConfig().databaseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  if (earlier) await rm(earlier, { recursive: true, force: true });
});

interface OldAttempt {
  scheduledFor: Date;
  retryCount: number;
  status: 'running' | 'finish' | 'failed';
  httpStatus: number | null;
  message: string | null;
  createdAt: Date;
  executionTime: number | null;
}

async function oldTask(taskName: string, jobInstant?: Date): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO tasks (task_name, task_schedule, webhook_url, json_payload)
    VALUES (${taskName}, '*/5 * * * *', 'http://127.0.0.1:4000/webhook', '{}') RETURNING id`.execute(db);
  const id = rows[0]!.id;
  if (jobInstant) {
    // The job id of that day: `${taskId}_${due instant in ms}`.
    await sql`UPDATE tasks SET task_status = 'running', job_id = ${`${id}_${jobInstant.getTime()}`}
              WHERE id = ${id}`.execute(db);
  }
  return id;
}

async function oldAttempts(taskId: string, attempts: OldAttempt[]): Promise<void> {
  for (const a of attempts) {
    await sql`
      INSERT INTO task_logs (task_id, scheduled_for, retry_count, status, http_status, message, created_at, execution_time)
      VALUES (${taskId}, ${a.scheduledFor}, ${a.retryCount}, ${a.status}, ${a.httpStatus}, ${a.message},
              ${a.createdAt}, ${a.executionTime})`.execute(db);
  }
}

const at = (iso: string) => new Date(iso);

test('the runs migration gives every (task, due instant) of the history one run, and every attempt its run', async () => {
  const first = at('2026-12-01T10:00:00Z');
  const second = at('2026-12-01T10:05:00Z');
  const inFlight = at('2026-12-01T10:10:00Z');

  const history = await oldTask('history');
  await oldAttempts(history, [
    // Failed once, then finished: the run finished, after two attempts.
    {
      scheduledFor: first,
      retryCount: 0,
      status: 'failed',
      httpStatus: 503,
      message: 'HTTP 503',
      createdAt: at('2026-12-01T10:00:00.100Z'),
      executionTime: 40,
    },
    {
      scheduledFor: first,
      retryCount: 1,
      status: 'finish',
      httpStatus: 200,
      message: 'ok',
      createdAt: at('2026-12-01T10:00:01.100Z'),
      executionTime: 30,
    },
    // Failed for good.
    {
      scheduledFor: second,
      retryCount: 0,
      status: 'failed',
      httpStatus: 404,
      message: 'HTTP 404',
      createdAt: at('2026-12-01T10:05:00.200Z'),
      executionTime: 20,
    },
  ]);

  // Running now under the job of `inFlight`, its attempt in flight; an earlier instant finished.
  const running = await oldTask('running', inFlight);
  await oldAttempts(running, [
    {
      scheduledFor: second,
      retryCount: 0,
      status: 'finish',
      httpStatus: 204,
      message: '',
      createdAt: at('2026-12-01T10:05:00.300Z'),
      executionTime: 10,
    },
    {
      scheduledFor: inFlight,
      retryCount: 0,
      status: 'running',
      httpStatus: null,
      message: null,
      createdAt: at('2026-12-01T10:10:00.300Z'),
      executionTime: null,
    },
  ]);

  // Claimed, its job not started: no attempt yet.
  const claimed = await oldTask('claimed', inFlight);
  const idle = await oldTask('never ran');

  await migrate(url);

  const runs = await sql<{
    id: string;
    task_id: string;
    scheduled_for: Date;
    trigger: string;
    status: string;
    attempt_count: number;
    message: string | null;
    http_status: number | null;
    started_at: Date | null;
    finished_at: Date | null;
  }>`SELECT * FROM task_runs ORDER BY task_id, scheduled_for`.execute(db);
  const runOf = (taskId: string, scheduledFor: Date) =>
    runs.rows.find((r) => r.task_id === taskId && r.scheduled_for.getTime() === scheduledFor.getTime());

  expect(runs.rows).toHaveLength(5);
  expect(runs.rows.every((r) => r.trigger === 'schedule')).toBe(true);
  expect(runs.rows.some((r) => r.task_id === idle)).toBe(false);
  expect(runOf(history, first)).toMatchObject({
    status: 'finish',
    attempt_count: 2,
    message: 'ok',
    http_status: 200,
    started_at: at('2026-12-01T10:00:00.100Z'),
    finished_at: at('2026-12-01T10:00:01.130Z'),
  });
  expect(runOf(history, second)).toMatchObject({
    status: 'failed',
    attempt_count: 1,
    message: 'HTTP 404',
    http_status: 404,
    finished_at: at('2026-12-01T10:05:00.220Z'),
  });
  expect(runOf(running, second)).toMatchObject({ status: 'finish', attempt_count: 1 });
  expect(runOf(running, inFlight)).toMatchObject({
    status: 'running',
    attempt_count: 1,
    message: null,
    started_at: at('2026-12-01T10:10:00.300Z'),
    finished_at: null,
  });
  expect(runOf(claimed, inFlight)).toMatchObject({ status: 'queued', attempt_count: 0, finished_at: null });

  // Every attempt has its run: the one of its task and due instant.
  const attempts = await sql<{ task_id: string; scheduled_for: Date; run_id: string | null }>`
    SELECT task_id, scheduled_for, run_id FROM task_logs`.execute(db);
  expect(attempts.rows).toHaveLength(5);
  for (const attempt of attempts.rows) {
    expect(attempt.run_id).toBe(runOf(attempt.task_id, attempt.scheduled_for)?.id);
  }
  // The tasks as they were: a run in flight exactly where the task is running.
  const active = await sql<{ task_id: string }>`
    SELECT task_id FROM task_runs WHERE status IN ('queued', 'running')`.execute(db);
  expect(active.rows.map((r) => r.task_id).sort()).toEqual([running, claimed].sort());
});
