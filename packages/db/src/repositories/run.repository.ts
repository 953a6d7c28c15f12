import { isActiveRun } from '@scheduler/core';
import { sql } from 'kysely';
import type { Database } from '../database';
import type { TaskRunStatus, TaskRunTrigger } from '../generated/db';
import type { AttemptRow, NewRunRow, RunListItem, RunRow } from '../rows';

/** Filters of the run lists (`/api/runs`, `/api/tasks/:id/runs`); `from`/`to` bound scheduled_for. */
export interface RunListQuery {
  page: number;
  limit: number;
  taskId?: string | undefined;
  statuses?: TaskRunStatus[] | undefined;
  trigger?: TaskRunTrigger | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/**
 * Which run a cancel is for: one by id, or a task's run in flight — or only its
 * scheduled run claimed and not started yet (`onlyQueuedSchedule`; a chained task's run,
 * trigger dependency, is its scheduled run: SPEC §13).
 */
export type CancelTarget = { runId: string } | { taskId: string; onlyQueuedSchedule?: boolean };

/** How punctual a task's runs have been (SPEC §15): null figures while no run has started. */
export interface Punctuality {
  /** Runs counted: its latest 100 `schedule` and `dependency` runs. */
  runs: number;
  lateness_p50_ms: number | null;
  lateness_p99_ms: number | null;
  /** Of those, how many ended `skipped` (no request made). */
  skipped: number;
}

export type CancelResult =
  /**
   * Cancelled now; `jobId` is the queue job that carried it (to remove), if one is known;
   * `attempt`, the attempt in flight that the cancel recorded `cancelled`, if there was one.
   */
  | {
      kind: 'cancelled';
      run: RunRow;
      jobId: string | null;
      attempt: { id: string; retry_count: number; execution_time: number } | null;
    }
  /** The run exists but has ended: nothing to cancel. */
  | { kind: 'ended'; run: RunRow }
  /** No such run, or the task has no run in flight. */
  | { kind: 'none' };

/** A run in flight that the watchdog checks against its queue job. */
export interface ActiveRun {
  id: string;
  task_id: string;
  scheduled_for: Date;
  trigger: TaskRunTrigger;
  /** The job of the task's run in flight (null if the task lost it). */
  job_id: string | null;
  max_retry: number;
  /** What a job made again needs to wait where the first one would: its task's webhook and priority, its deadline. */
  webhook_url: string;
  priority: number;
  deliver_by: Date | null;
  /** Where the run stands in the watchdog's sweep: its task's updated_at (as text, to the microsecond). */
  updated_at: string;
}

/**
 * A task's newest run, by task_runs_task_id_created_at_idx: its run in flight, if
 * it has one (a run is made only while none is in flight, so it is the newest).
 */
export const newestRunOf = (taskId: unknown) =>
  sql<string>`(SELECT newest.id FROM task_runs newest WHERE newest.task_id = ${taskId}
               ORDER BY newest.created_at DESC LIMIT 1)`;

/**
 * When the run (the table or alias `run`) came due: its jittered instant, where jitter put
 * that after scheduled_for (SPEC §13). Lateness counts from it.
 */
export const runDueAt = (run: string) =>
  sql<Date>`coalesce(${sql.ref(`${run}.due_at`)}, ${sql.ref(`${run}.scheduled_for`)})`;

export class RunRepository {
  constructor(private readonly db: Database) {}

  /** A run's row as given (factories, imports); the engine makes runs through the claim and TaskRepository.startRun. */
  async create(values: NewRunRow): Promise<RunRow> {
    // An ended run has ended at some instant (task_runs_in_flight_until_finished): now, unless given.
    const ended = values.status !== undefined && !isActiveRun(values.status);
    const finished_at = values.finished_at ?? (ended ? sql<Date>`now()` : null);
    return this.db
      .insertInto('task_runs')
      .values({ ...values, finished_at })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async findById(id: string): Promise<RunListItem | undefined> {
    return this.db
      .selectFrom('task_runs')
      .innerJoin('tasks', 'tasks.id', 'task_runs.task_id')
      .selectAll('task_runs')
      .select('tasks.task_name')
      .where('task_runs.id', '=', id)
      .executeTakeFirst();
  }

  /** A run's attempts, oldest first. */
  async attemptsOf(runId: string): Promise<AttemptRow[]> {
    return this.db
      .selectFrom('task_logs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('retry_count')
      .orderBy('created_at')
      .execute();
  }

  /** A page of runs, newest first, each with its task's name, and the total that match. */
  async list(query: RunListQuery): Promise<{ rows: RunListItem[]; total: number }> {
    let filtered = this.db.selectFrom('task_runs');
    if (query.taskId) filtered = filtered.where('task_runs.task_id', '=', query.taskId);
    if (query.statuses && query.statuses.length > 0)
      filtered = filtered.where('task_runs.status', 'in', query.statuses);
    if (query.trigger) filtered = filtered.where('task_runs.trigger', '=', query.trigger);
    if (query.from) filtered = filtered.where('task_runs.scheduled_for', '>=', query.from);
    // `to` is inclusive to its millisecond (what a Date carries); scheduled_for may have microseconds.
    if (query.to) {
      filtered = filtered.where(
        'task_runs.scheduled_for',
        '<',
        sql<Date>`${query.to}::timestamptz + interval '1 millisecond'`,
      );
    }
    const [rows, count] = await Promise.all([
      filtered
        .innerJoin('tasks', 'tasks.id', 'task_runs.task_id')
        .selectAll('task_runs')
        .select('tasks.task_name')
        .orderBy('task_runs.created_at', 'desc')
        .orderBy('task_runs.id')
        .limit(query.limit)
        .offset((query.page - 1) * query.limit)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.total };
  }

  /** A task's run in flight (queued or running) and its latest ended run; null where there is none. */
  /**
   * Over a task's latest 100 `schedule` and `dependency` runs (along its created_at index):
   * lateness from the instant a run came due to its first attempt's start (started_at; the
   * request goes out then), at the 50th and 99th percentiles, over the runs that started.
   */
  async punctuality(taskId: string): Promise<Punctuality> {
    const result = await sql<{ runs: number; skipped: number; p50: number | null; p99: number | null }>`
      WITH latest AS (
        SELECT status, ${runDueAt('task_runs')} AS due, started_at
        FROM task_runs
        WHERE task_id = ${taskId} AND trigger IN ('schedule', 'dependency')
        ORDER BY created_at DESC
        LIMIT 100
      ), lateness AS (
        SELECT greatest(0, extract(epoch FROM started_at - due) * 1000) AS ms
        FROM latest WHERE started_at IS NOT NULL
      )
      SELECT (SELECT count(*)::int FROM latest) AS runs,
             (SELECT count(*) FILTER (WHERE status = 'skipped')::int FROM latest) AS skipped,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99
      FROM lateness`.execute(this.db);
    const row = result.rows[0];
    const ms = (value: number | null | undefined) =>
      value === null || value === undefined ? null : Math.round(value);
    return {
      runs: row?.runs ?? 0,
      lateness_p50_ms: ms(row?.p50),
      lateness_p99_ms: ms(row?.p99),
      skipped: row?.skipped ?? 0,
    };
  }

  async currentAndLast(taskId: string): Promise<{ current: RunRow | null; last: RunRow | null }> {
    const [current, last] = await Promise.all([
      this.db
        .selectFrom('task_runs')
        .selectAll()
        .where('id', '=', newestRunOf(sql`${taskId}::uuid`))
        .where('finished_at', 'is', null)
        .executeTakeFirst(),
      this.db
        .selectFrom('task_runs')
        .selectAll()
        .where('task_id', '=', taskId)
        .where('finished_at', 'is not', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return { current: current ?? null, last: last ?? null };
  }

  /**
   * Cancels a run in flight, in one statement: the run ends `cancelled`, an attempt
   * in flight is recorded `cancelled` (a worker that finishes it later finds it
   * so and records nothing), and the task goes back to the status it had before
   * the run, its next due instant unchanged. Whichever of a cancel and the
   * attempt's own end writes first wins; the other changes nothing.
   */
  async cancel(target: CancelTarget, message: string, attemptMessage: string): Promise<CancelResult> {
    const where =
      'runId' in target
        ? sql`id = ${target.runId}::uuid`
        : target.onlyQueuedSchedule
          ? sql`id = ${newestRunOf(sql`${target.taskId}::uuid`)} AND finished_at IS NULL AND status = 'queued' AND trigger IN ('schedule', 'dependency')`
          : sql`id = ${newestRunOf(sql`${target.taskId}::uuid`)} AND finished_at IS NULL`;
    // Two statements in one transaction: the run is locked first (waiting for an attempt
    // starting on it), and the changes are a statement of their own, whose snapshot
    // then sees that attempt's row — one snapshot for both would miss it, and the
    // attempt would go on. A run that ended while this waited is answered as it ended.
    const rows = await this.db.transaction().execute(async (trx) => {
      const locked = await sql<{ id: string }>`SELECT id FROM task_runs WHERE ${where} FOR UPDATE`.execute(
        trx,
      );
      const ids = locked.rows.map((row) => row.id);
      if (ids.length === 0) return [];
      const { rows: changed } = await sql<
        RunRow & {
          cancelled: boolean;
          job_id: string | null;
          attempt: { id: string; retry_count: number; execution_time: number } | null;
        }
      >`
        WITH run AS (
          UPDATE task_runs SET status = 'cancelled', finished_at = now(), message = concat_ws(' — ', ${message}::text, message),
            -- Of its last attempt: a run cancelled in a retry's backoff keeps what that attempt got.
            http_status = coalesce(task_runs.http_status, (
              SELECT l.http_status FROM task_logs l WHERE l.run_id = task_runs.id
              ORDER BY l.retry_count DESC LIMIT 1))
          WHERE id = ANY(${ids}::uuid[]) AND finished_at IS NULL
          RETURNING *
        ), attempts AS (
          UPDATE task_logs SET status = 'cancelled', message = ${attemptMessage},
            execution_time = greatest(0, round(extract(epoch FROM clock_timestamp() - created_at) * 1000))::int
          WHERE run_id IN (SELECT id FROM run) AND status = 'running'
          RETURNING id, retry_count, execution_time
        ), task_before AS (
          SELECT id, job_id FROM tasks WHERE id IN (SELECT task_id FROM run)
        ), task AS (
          UPDATE tasks SET task_status = run.prior_task_status, job_id = NULL
          FROM run WHERE tasks.id = run.task_id AND tasks.task_status = 'running'
        )
        SELECT run.*, true AS cancelled, (SELECT job_id FROM task_before) AS job_id,
          (SELECT to_jsonb(attempts) FROM attempts LIMIT 1) AS attempt FROM run
        UNION ALL
        SELECT task_runs.*, false AS cancelled, NULL AS job_id, NULL AS attempt FROM task_runs
        WHERE task_runs.id = ANY(${ids}::uuid[]) AND NOT EXISTS (SELECT 1 FROM run)`.execute(trx);
      return changed;
    });
    const row = rows[0];
    if (!row) return { kind: 'none' };
    const { cancelled, job_id, attempt, ...run } = row;
    return cancelled ? { kind: 'cancelled', run, jobId: job_id, attempt } : { kind: 'ended', run };
  }

  /**
   * SPEC §13's gate: ends the run `skipped` with `message` while no attempt has started on
   * it, and gives its task back the status it had before the run. Whether it did.
   */
  async skip(runId: string, message: string): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      WITH run AS (
        UPDATE task_runs SET status = 'skipped', finished_at = now(), message = concat_ws(' — ', ${message}::text, message)
        WHERE id = ${runId}::uuid AND finished_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM task_logs l WHERE l.run_id = task_runs.id AND l.status = 'running')
        RETURNING id, task_id, prior_task_status
      ), task AS (
        UPDATE tasks SET task_status = run.prior_task_status, job_id = NULL
        FROM run WHERE tasks.id = run.task_id AND tasks.task_status = 'running'
      )
      SELECT id FROM run`.execute(this.db);
    return rows.length > 0;
  }

  /**
   * SPEC §13: ends `expired` the runs in flight past their `deliver_by` (one run, or up to
   * `limit` of them, oldest deadline first) and gives each task back the status it had
   * before the run. A run with an attempt in flight is left to that attempt; its job, if
   * still queued, finds no run to deliver and is dropped. The runs it expired.
   */
  async expireOverdue(
    target: { runId: string; by?: Date } | { limit: number },
  ): Promise<{ id: string; task_id: string; job_id: string | null }[]> {
    // `by`: a deadline that will have passed by then (a retry's instant) counts as passed.
    const by = 'runId' in target && target.by ? sql`${target.by}::timestamptz` : sql`now()`;
    const which =
      'runId' in target
        ? sql`id = ${target.runId}::uuid`
        : // Among the runs in flight: each task running has one, its newest; only a task with a
          // deadline gives its run one (tasks_running_deadline_idx holds just those tasks).
          sql`id IN (SELECT r.id FROM tasks t JOIN task_runs r ON r.id = ${newestRunOf(sql`t.id`)}
                     WHERE t.task_status = 'running' AND t.deliver_within_ms IS NOT NULL
                       AND r.finished_at IS NULL AND r.deliver_by <= now()
                     ORDER BY r.deliver_by LIMIT ${target.limit})`;
    const { rows } = await sql<{ id: string; task_id: string; job_id: string | null }>`
      WITH overdue AS (
        SELECT id FROM task_runs
        WHERE ${which} AND finished_at IS NULL AND deliver_by IS NOT NULL AND deliver_by <= ${by}
          AND NOT EXISTS (SELECT 1 FROM task_logs l WHERE l.run_id = task_runs.id AND l.status = 'running')
        FOR UPDATE SKIP LOCKED
      ), run AS (
        UPDATE task_runs SET status = 'expired', finished_at = now(),
          message = concat_ws(' — ', 'TIMEOUT: not delivered by ' ||
            to_char(deliver_by AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
            ' (deliver_within_ms after it came due); no attempt is made after it', task_runs.message)
        FROM overdue WHERE task_runs.id = overdue.id
        RETURNING task_runs.id, task_runs.task_id, task_runs.prior_task_status
      ), owner AS MATERIALIZED (
        -- The job that carried the run (the task's, read before the update below clears it).
        SELECT tasks.id, tasks.job_id FROM tasks JOIN run ON tasks.id = run.task_id
        WHERE tasks.task_status = 'running'
      ), task AS (
        UPDATE tasks SET task_status = run.prior_task_status, job_id = NULL
        FROM run WHERE tasks.id = run.task_id AND tasks.task_status = 'running'
      )
      SELECT run.id, run.task_id, owner.job_id FROM run LEFT JOIN owner ON owner.id = run.task_id`.execute(
      this.db,
    );
    return rows;
  }

  /**
   * Runs in flight for longer than `olderThanMs`, a page at a time, in the order of
   * their tasks' last change (tasks_running_order_idx holds only the tasks with a run
   * in flight): `after` is the last run of the previous page. Each with its task's job.
   */
  async findLongActive(olderThanMs: number, limit: number, after?: ActiveRun): Promise<ActiveRun[]> {
    const cutoff = sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`;
    // Index conditions on tasks_running_order_idx (updated_at, id): the walk starts at the
    // cursor and stops at the cutoff (a task changes when its run is made, so a run made
    // before the cutoff has a task that changed before it too, unless edited since).
    const page = after
      ? sql`AND t.updated_at >= ${after.updated_at}::timestamptz
            AND (t.updated_at, t.id) > (${after.updated_at}::timestamptz, ${after.task_id}::uuid)`
      : sql``;
    const { rows } = await sql<ActiveRun>`
      SELECT r.id, r.task_id, r.scheduled_for, r.trigger, t.job_id, t.max_retry,
             t.webhook_url, t.priority, r.deliver_by,
             -- As text, to the microsecond: a Date would round it down and a page could repeat forever.
             t.updated_at::text AS updated_at
      FROM tasks t
      JOIN task_runs r ON r.id = ${newestRunOf(sql`t.id`)}
      WHERE t.task_status = 'running' AND t.updated_at < ${cutoff} ${page}
        AND r.finished_at IS NULL AND r.created_at < ${cutoff}
      ORDER BY t.updated_at, t.id
      LIMIT ${limit}`.execute(this.db);
    return rows;
  }

  /**
   * Ends a run whose job ended unnoticed: the run `failed` with `message`, the
   * attempts it left `running` closed as `failed` (no worker will ever write
   * their results), and its task back to `ready` if this run's job still owns
   * it. One statement: a task is never released with its run still in flight.
   */
  async releaseLost(runId: string, jobId: string | null, message: string): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      WITH run AS (
        UPDATE task_runs SET status = 'failed', finished_at = now(), message = concat_ws(' — ', ${message}::text, message)
        WHERE id = ${runId} AND finished_at IS NULL
        RETURNING id, task_id
      ), closed AS (
        UPDATE task_logs SET status = 'failed', message = ${message}
        WHERE run_id IN (SELECT id FROM run) AND status = 'running'
      ), released AS (
        UPDATE tasks SET task_status = 'ready', job_id = NULL
        WHERE id IN (SELECT task_id FROM run) AND task_status = 'running'
          AND job_id IS NOT DISTINCT FROM ${jobId}
      )
      SELECT id FROM run`.execute(this.db);
    return rows.length > 0;
  }

  /**
   * Retention: deletes up to `limit` runs that ended more than `days` days ago,
   * oldest first, with their attempts (the foreign key cascades) — never a
   * task's latest run. Returns how many went.
   */
  async pruneEnded(days: number, limit: number): Promise<number> {
    // Walked from the oldest run on task_runs_created_at_idx: a run ends after it is made,
    // so every run that ended before the cutoff was made before it too.
    const result = await sql`
      DELETE FROM task_runs WHERE id IN (
        SELECT r.id FROM task_runs r
        WHERE r.created_at < now() - make_interval(days => ${days})
          AND r.finished_at < now() - make_interval(days => ${days})
          AND EXISTS (
            SELECT 1 FROM task_runs newer
            WHERE newer.task_id = r.task_id AND (newer.created_at, newer.id) > (r.created_at, r.id)
          )
        ORDER BY r.created_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
