import { type HttpMethod, type TaskSecrets, toStorableText } from '@scheduler/core';
import { sql } from 'kysely';
import { type Database, prepared } from '../database';
import type { TaskLogStatus } from '../generated/db';
import type { AttemptListItem, AttemptRow } from '../rows';

/** Filters of the attempt lists (`/api/logs`, `/api/tasks/:id/logs`); `from`/`to` bound created_at. */
export interface AttemptListQuery {
  page: number;
  limit: number;
  taskId?: string | undefined;
  status?: TaskLogStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AttemptKey {
  taskId: string;
  scheduledFor: Date;
  retryCount: number;
}

/** An attempt about to be made by the job `jobId`, for the run `runId` (unknown in jobs queued before runs had rows). */
export interface AttemptStart extends AttemptKey {
  jobId: string;
  runId?: string | undefined;
}

/** What a started attempt needs to deliver. */
export interface DeliveryTarget {
  taskName: string;
  /** The task's IANA timezone: its payload's `{{scheduled_for_local}}` is rendered in it. */
  timezone: string;
  webhookUrl: string;
  /** The task's payload, or the run's own (a retry with an edited payload). */
  payload: unknown;
  /** The task's signing secrets (core's signingSecrets picks those that sign). */
  secrets: TaskSecrets;
  /** The task's request options (SPEC §14); a null timeout: the worker's WEBHOOK_TIMEOUT_MS. */
  method: HttpMethod;
  headers: Record<string, string>;
  timeoutMs: number | null;
}

export type AttemptStarted =
  /** The attempt's row is in place (new, or reused after a crash): deliver. */
  | { kind: 'deliver'; attemptId: string; runId: string; target: DeliveryTarget }
  /** The task is gone, or another run owns it: drop this one quietly. */
  | { kind: 'orphaned' }
  /**
   * This attempt already has its final row while its run is still in flight: it
   * failed and its run goes on with a retry (a run that ended would not be in
   * flight). It must not be made again.
   */
  | { kind: 'settled'; runId: string };

export interface AttemptResult {
  attemptId: string;
  status: 'finish' | 'failed';
  executionTime: number;
  httpStatus: number | null;
  message: string;
  /** The id of the message a Discord webhook posted (`?wait=true`); null or absent when none. */
  responseId?: string | null;
}

/** How the run ends with this attempt, if it does: the run's and the task's new status. */
export type RunOutcome =
  | { kind: 'continues' }
  | {
      kind: 'ends';
      taskId: string;
      jobId: string;
      runStatus: 'finish' | 'failed';
      taskStatus: 'ready' | 'failed';
      /** Why the run ended as it did. */
      message: string;
      /** The webhook is gone (SPEC §14): the task is disabled, with this reason. */
      disabledReason?: string | undefined;
    };

/** Whether an attempt's result was written, or found its attempt cancelled meanwhile (nothing written). */
export type AttemptRecorded = 'recorded' | 'cancelled';

/**
 * What finishAttempts wrote for one attempt. `wasFailing`, when the attempt ended its run
 * and changed its task: whether the task's previous run to end with an attempt had failed
 * (`tasks.failing` before this one set it), for core's healthChange (SPEC §14 alerts).
 */
export interface AttemptFinished {
  recorded: AttemptRecorded;
  wasFailing?: boolean;
}

interface StartedRow {
  run_id: string;
  task_id: string;
  scheduled_for: Date;
  retry_count: number;
  task_name: string;
  webhook_url: string;
  json_payload: unknown;
  payload_override: unknown;
  attempt_id: string | null;
  signing_secret: string;
  previous_signing_secret: string | null;
  secret_rotated_at: Date | null;
  http_method: HttpMethod;
  headers: Record<string, string>;
  timeout_ms: number | null;
  timezone: string;
}

const keyOf = (key: AttemptKey) => `${key.taskId}|${key.scheduledFor.getTime()}|${key.retryCount}`;

export class AttemptRepository {
  constructor(private readonly db: Database) {}

  /**
   * Starts many attempts in one statement: for each run that still owns its
   * task (`running` under that job id) it loads what to deliver and inserts the
   * attempt's `running` row — or reuses it when the same attempt is delivered
   * again after a worker crash. An attempt that already has a final row is
   * `settled`: it must not POST again.
   */
  async beginAttempts(starts: AttemptStart[]): Promise<AttemptStarted[]> {
    if (starts.length === 0) return [];
    const unique = [...new Map(starts.map((s) => [keyOf(s), s])).values()];
    const taskIds = unique.map((s) => s.taskId);
    const { rows } = await prepared(
      'begin_attempts',
      sql<StartedRow>`
      WITH input AS (
        SELECT * FROM unnest(${taskIds}::uuid[], ${unique.map((s) => s.scheduledFor)}::timestamptz[],
                             ${unique.map((s) => s.retryCount)}::int[], ${unique.map((s) => s.jobId)}::text[],
                             ${unique.map((s) => s.runId ?? null)}::uuid[])
          AS i(task_id, scheduled_for, retry_count, job_id, run_id)
      ), candidates AS MATERIALIZED (
        -- By primary key only: joined straight to the input, the planner may walk
        -- every running task through tasks_running_order_idx instead.
        SELECT id, task_name, webhook_url, json_payload, task_status, job_id,
               signing_secret, previous_signing_secret, secret_rotated_at,
               http_method, headers, timeout_ms, timezone
        FROM tasks WHERE id = ANY(${taskIds}::uuid[])
      ), owned AS MATERIALIZED (
        -- The attempts whose job still owns its task, and the job's run (a job queued before
        -- runs had rows: its task's newest run, the one in flight if any).
        SELECT c.id AS task_id, c.task_name, c.webhook_url, c.json_payload,
               c.signing_secret, c.previous_signing_secret, c.secret_rotated_at,
               c.http_method, c.headers, c.timeout_ms, c.timezone, i.scheduled_for, i.retry_count,
               coalesce(i.run_id, (SELECT r.id FROM task_runs r WHERE r.task_id = i.task_id
                                   ORDER BY r.created_at DESC LIMIT 1)) AS run_id
        FROM input i
        JOIN candidates c ON c.id = i.task_id AND c.task_status = 'running' AND c.job_id = i.job_id
      ), active AS (
        -- The run marked running if still in flight, by primary key. The update is the lock
        -- (one write, not a lock and then a write): a cancel holding the run is waited for,
        -- and a run it ended is then seen ended (no attempt starts); a cancel that comes
        -- after waits for this attempt's row, and finds it.
        UPDATE task_runs SET status = 'running', started_at = coalesce(task_runs.started_at, now()),
                             attempt_count = greatest(task_runs.attempt_count, o.retry_count + 1)
        FROM owned o
        WHERE task_runs.id = ANY(ARRAY(SELECT run_id FROM owned)) AND task_runs.id = o.run_id
          AND task_runs.task_id = o.task_id AND task_runs.finished_at IS NULL
        RETURNING task_runs.id AS run_id, task_runs.task_id, task_runs.payload_override
      ), started AS (
        INSERT INTO task_logs (task_id, scheduled_for, retry_count, run_id)
        SELECT o.task_id, o.scheduled_for, o.retry_count, a.run_id
        FROM owned o JOIN active a ON a.run_id = o.run_id AND a.task_id = o.task_id
        ON CONFLICT ON CONSTRAINT task_logs_attempt_key
          DO UPDATE SET created_at = now() WHERE task_logs.status = 'running'
        RETURNING id, run_id, retry_count
      )
      SELECT o.*, a.payload_override, s.id AS attempt_id
      FROM owned o JOIN active a ON a.run_id = o.run_id AND a.task_id = o.task_id
      LEFT JOIN started s ON s.run_id = a.run_id AND s.retry_count = o.retry_count`,
    ).execute(this.db);
    const byKey = new Map(
      rows.map((row) => [
        keyOf({ taskId: row.task_id, scheduledFor: row.scheduled_for, retryCount: row.retry_count }),
        row,
      ]),
    );
    return starts.map((start): AttemptStarted => {
      const row = byKey.get(keyOf(start));
      if (!row) return { kind: 'orphaned' };
      if (!row.attempt_id) return { kind: 'settled', runId: row.run_id };
      return {
        kind: 'deliver',
        attemptId: row.attempt_id,
        runId: row.run_id,
        target: {
          taskName: row.task_name,
          timezone: row.timezone,
          webhookUrl: row.webhook_url,
          payload: row.payload_override ?? row.json_payload,
          secrets: {
            signing_secret: row.signing_secret,
            previous_signing_secret: row.previous_signing_secret,
            secret_rotated_at: row.secret_rotated_at,
          },
          method: row.http_method,
          headers: row.headers,
          timeoutMs: row.timeout_ms,
        },
      };
    });
  }

  /**
   * Records many attempts' results and, for the runs that end with them, the
   * runs' and their tasks' new status — one statement, so a crash leaves either
   * all or none. A message keeps what a webhook answered, less what PostgreSQL
   * cannot store (a NUL). An attempt that was cancelled meanwhile keeps its
   * `cancelled` row and changes nothing else ('cancelled'); a task changes only
   * while the ending run's job still owns it.
   */
  async finishAttempts(finished: { result: AttemptResult; run: RunOutcome }[]): Promise<AttemptFinished[]> {
    if (finished.length === 0) return [];
    const results = finished.map((f) => f.result);
    const ends = finished.flatMap((f) => (f.run.kind === 'ends' ? [{ ...f.run, result: f.result }] : []));
    const going = finished.flatMap((f) => (f.run.kind === 'continues' ? [f.result] : []));
    const attemptIds = results.map((r) => r.attemptId);
    const { rows } = await prepared(
      'finish_attempts',
      sql<{ id: string; was_failing: boolean | null }>`
      WITH results AS (
        SELECT * FROM unnest(${attemptIds}::uuid[], ${results.map((r) => r.status)}::task_log_status[],
                             ${results.map((r) => r.executionTime)}::int[], ${results.map((r) => r.httpStatus)}::int[],
                             ${results.map((r) => toStorableText(r.message))}::text[],
                             ${results.map((r) => r.responseId ?? null)}::text[])
          AS r(id, status, execution_time, http_status, message, response_id)
      ), logged AS (
        UPDATE task_logs SET status = r.status, execution_time = r.execution_time,
                             http_status = r.http_status, message = r.message, response_id = r.response_id
        -- id = ANY(...) keeps the planner on the primary key: with statistics
        -- older than a burst it may hash-join a sequential scan of every attempt instead.
        FROM results r WHERE task_logs.id = ANY(${attemptIds}::uuid[]) AND task_logs.id = r.id
          AND task_logs.status = 'running'
        RETURNING task_logs.id, task_logs.run_id
      ), ends AS (
        SELECT e.*, l.run_id
        FROM unnest(${ends.map((e) => e.result.attemptId)}::uuid[], ${ends.map((e) => e.taskId)}::uuid[],
                    ${ends.map((e) => e.jobId)}::text[], ${ends.map((e) => e.taskStatus)}::task_status[],
                    ${ends.map((e) => e.runStatus)}::task_run_status[],
                    ${ends.map((e) => toStorableText(e.message))}::text[], ${ends.map((e) => e.result.httpStatus)}::int[],
                    ${ends.map((e) => (e.disabledReason === undefined ? null : toStorableText(e.disabledReason)))}::text[])
          AS e(attempt_id, task_id, job_id, task_status, run_status, message, http_status, disabled_reason)
        -- Only the runs whose attempt was written: a cancel that came first has ended them already.
        JOIN logged l ON l.id = e.attempt_id
      ), runs_ended AS (
        UPDATE task_runs SET status = e.run_status, finished_at = now(),
                             message = concat_ws(' — ', e.message, task_runs.message),
                             http_status = e.http_status
        FROM ends e WHERE task_runs.id = e.run_id AND task_runs.finished_at IS NULL
      ), runs_going_on AS (
        -- A run going on (a retry to come) shows its last attempt's status too (SPEC §11).
        UPDATE task_runs SET http_status = g.http_status
        FROM unnest(${going.map((r) => r.attemptId)}::uuid[], ${going.map((r) => r.httpStatus)}::int[])
               AS g(attempt_id, http_status)
          JOIN logged l ON l.id = g.attempt_id
        WHERE task_runs.id = l.run_id AND task_runs.finished_at IS NULL
          AND task_runs.http_status IS DISTINCT FROM g.http_status
      ), failing_before AS MATERIALIZED (
        -- The tasks' health before this statement (its snapshot): only the run that owns a
        -- task ends it, so no other statement flips it meanwhile.
        SELECT id, failing FROM tasks WHERE id = ANY(${ends.map((e) => e.taskId)}::uuid[])
      ), tasks_ended AS (
        UPDATE tasks SET task_status = e.task_status, job_id = NULL,
                         failing = (e.run_status = 'failed'),
                         -- A webhook that is gone disables its task, saying why (SPEC §14).
                         enabled = tasks.enabled AND e.disabled_reason IS NULL,
                         disabled_reason = coalesce(e.disabled_reason, tasks.disabled_reason)
        FROM ends e
        -- Ownership by job id alone (a job id is only ever set while running:
        -- tasks_job_id_only_while_running): with task_status in the condition, statistics
        -- taken before a burst steer the planner onto tasks_running_order_idx, and every
        -- batch then walks every run in flight. Each task is found by its primary key once
        -- (a nested loop over the batch): an id = ANY(...) beside the join made every row
        -- of the batch walk the whole array again, n² index descents.
        WHERE tasks.id = e.task_id AND tasks.job_id = e.job_id
        RETURNING tasks.id AS task_id, e.attempt_id
      )
      SELECT l.id, b.failing AS was_failing
      FROM logged l
      LEFT JOIN tasks_ended t ON t.attempt_id = l.id
      LEFT JOIN failing_before b ON b.id = t.task_id`,
    ).execute(this.db);
    const written = new Map(rows.map((row) => [row.id, row.was_failing]));
    return attemptIds.map((id): AttemptFinished => {
      if (!written.has(id)) return { recorded: 'cancelled' };
      const wasFailing = written.get(id);
      return typeof wasFailing === 'boolean'
        ? { recorded: 'recorded', wasFailing }
        : { recorded: 'recorded' };
    });
  }

  /** One attempt's `running` row of the run `runId`, inserted or reused; undefined when it already has a final row. */
  async insertAttempt(key: AttemptKey & { runId: string }): Promise<{ id: string } | undefined> {
    return this.db
      .insertInto('task_logs')
      .values({
        task_id: key.taskId,
        scheduled_for: key.scheduledFor,
        retry_count: key.retryCount,
        run_id: key.runId,
      })
      .onConflict((oc) =>
        oc
          .constraint('task_logs_attempt_key')
          .doUpdateSet({ created_at: sql<Date>`now()` })
          .where('task_logs.status', '=', 'running'),
      )
      .returning('id')
      .executeTakeFirst();
  }

  async finishAttempt(result: AttemptResult, run: RunOutcome): Promise<AttemptRecorded> {
    const [finished] = await this.finishAttempts([{ result, run }]);
    return finished?.recorded ?? 'cancelled';
  }

  /**
   * A page of attempts, newest first, each with its task's name (a list may
   * span tasks, and a reader wants names, not ids), with the total that match.
   */
  async list(query: AttemptListQuery): Promise<{ rows: AttemptListItem[]; total: number }> {
    let filtered = this.db.selectFrom('task_logs');
    if (query.taskId) filtered = filtered.where('task_logs.task_id', '=', query.taskId);
    if (query.status) filtered = filtered.where('task_logs.status', '=', query.status);
    if (query.from) filtered = filtered.where('task_logs.created_at', '>=', query.from);
    // `to` is inclusive to its millisecond (what a Date carries); created_at has microseconds.
    if (query.to) {
      filtered = filtered.where(
        'task_logs.created_at',
        '<',
        sql<Date>`${query.to}::timestamptz + interval '1 millisecond'`,
      );
    }
    const [rows, count] = await Promise.all([
      filtered
        // Every attempt has its task (the foreign key cascades deletes), so the join drops none.
        .innerJoin('tasks', 'tasks.id', 'task_logs.task_id')
        .selectAll('task_logs')
        .select('tasks.task_name')
        .orderBy('task_logs.created_at', 'desc')
        .orderBy('task_logs.retry_count', 'desc')
        .orderBy('task_logs.id')
        .limit(query.limit)
        .offset((query.page - 1) * query.limit)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.total };
  }

  async listForTask(taskId: string, limit: number): Promise<AttemptRow[]> {
    return this.db
      .selectFrom('task_logs')
      .selectAll()
      .where('task_id', '=', taskId)
      .orderBy('created_at', 'desc')
      .orderBy('retry_count', 'desc')
      .limit(limit)
      .execute();
  }
}
