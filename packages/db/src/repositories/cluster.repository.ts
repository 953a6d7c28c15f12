import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../database';
import { newestRunOf, runDueAt } from './run.repository';
import type { TaskStatus } from '../generated/db';

/** The cluster as the API's /metrics reads it at scrape time (SPEC §15). */
export interface ClusterSnapshot {
  tasks: Record<TaskStatus, number>;
  /** Runs in flight now. */
  runs: { queued: number; running: number };
  /** Tasks due (ready, enabled, next_run_at passed) that no publisher has claimed yet. */
  dueBacklog: number;
  /** Seconds since the oldest due instant still waiting: unclaimed, or claimed with no attempt started; 0 when none. */
  oldestDueSeconds: number;
  /** Tasks whose due instant passed more than `lateAfterMs` ago and whose run has not started. */
  lateTasks: number;
}

interface SnapshotRow {
  ready: number;
  running: number;
  failed: number;
  queued_runs: number;
  running_runs: number;
  due_backlog: number;
  oldest_due_seconds: number | null;
  late_unclaimed: number;
  late_queued: number;
}

/** A task late as SPEC §15's alarm means it: due more than LATE_ALERT_AFTER_MS ago, its run not started. */
export interface LateTask {
  task_id: string;
  task_name: string;
  /** The due instant it is late for. */
  due_at: Date;
  webhook_url: string;
  /** The job of its queued run; null while no publisher has claimed it. */
  job_id: string | null;
}

/**
 * Whether the queued run `r` of the task `t` waits for a dependency still in flight (SPEC
 * §13's gate, which a run now skips): waiting, not late (SPEC §15).
 */
const waitsForDependency = sql<boolean>`(r.trigger <> 'manual' AND EXISTS (
  SELECT 1 FROM task_dependencies d JOIN task_runs dr ON dr.id = ${newestRunOf(sql`d.depends_on`)}
  WHERE d.task_id = t.id AND dr.finished_at IS NULL))`;

/**
 * Whether the ready task `tasks` was held by its own run until less than LATE_ALERT_AFTER_MS
 * ago (`late`): a run that outlasted its schedule's interval leaves next_run_at behind, and
 * the task could not be claimed before that run ended. Not late yet, then (SPEC §15: one
 * incident per lateness, not one more each time a slow run ends).
 */
const heldByItsLastRun = (late: RawBuilder<unknown>) => sql<boolean>`EXISTS (
  SELECT 1 FROM task_runs pr WHERE pr.id = ${newestRunOf(sql`tasks.id`)} AND pr.finished_at >= ${late})`;

export class ClusterRepository {
  constructor(private readonly db: Database) {}

  /**
   * One statement, on PostgreSQL's clock. The due backlog walks tasks_due_idx, the runs
   * in flight are the newest runs of the tasks running (tasks_running_order_idx): a scrape
   * costs little however long the history. A task is late either way — not claimed (no publisher),
   * or claimed and queued with no attempt started (no worker, a stuck queue) — and runs
   * of one task never overlap, so the two counts never hold the same task.
   */
  /** The late tasks, most late first, at most `limit` (the same rule as snapshot's count). */
  async lateTasks(lateAfterMs: number, limit: number): Promise<LateTask[]> {
    const late = sql`now() - make_interval(secs => ${lateAfterMs / 1000})`;
    const result = await sql<LateTask>`
      (SELECT id AS task_id, task_name, next_run_at AS due_at, webhook_url, NULL AS job_id
       FROM tasks
       WHERE task_status = 'ready' AND enabled AND next_run_at < ${late} AND NOT ${heldByItsLastRun(late)})
      UNION ALL
      (SELECT r.task_id, t.task_name, ${runDueAt('r')} AS due_at, t.webhook_url, t.job_id
       FROM tasks t JOIN task_runs r ON r.id = ${newestRunOf(sql`t.id`)}
       WHERE t.task_status = 'running' AND r.finished_at IS NULL AND r.status = 'queued'
         AND ${runDueAt('r')} < ${late} AND NOT ${waitsForDependency})
      ORDER BY due_at
      LIMIT ${limit}`.execute(this.db);
    return result.rows;
  }

  async snapshot(lateAfterMs: number): Promise<ClusterSnapshot> {
    const late = sql`now() - make_interval(secs => ${lateAfterMs / 1000})`;
    const result = await sql<SnapshotRow>`
      WITH task_counts AS (
        SELECT count(*) FILTER (WHERE task_status = 'ready')::int AS ready,
               count(*) FILTER (WHERE task_status = 'running')::int AS running,
               count(*) FILTER (WHERE task_status = 'failed')::int AS failed
        FROM tasks
      ), due AS (
        SELECT count(*)::int AS backlog,
               min(next_run_at) AS oldest,
               count(*) FILTER (WHERE next_run_at < ${late} AND NOT ${heldByItsLastRun(late)})::int AS late
        FROM tasks
        WHERE task_status = 'ready' AND enabled AND next_run_at <= now()
      ), in_flight AS (
        SELECT count(*) FILTER (WHERE r.status = 'queued')::int AS queued,
               count(*) FILTER (WHERE r.status = 'running')::int AS running,
               min(${runDueAt('r')}) FILTER (WHERE r.status = 'queued') AS oldest,
               count(*) FILTER (WHERE r.status = 'queued' AND ${runDueAt('r')} < ${late}
                                  AND NOT ${waitsForDependency})::int AS late
        FROM tasks t JOIN task_runs r ON r.id = ${newestRunOf(sql`t.id`)}
        WHERE t.task_status = 'running' AND r.finished_at IS NULL
      )
      SELECT task_counts.ready, task_counts.running, task_counts.failed,
             in_flight.queued AS queued_runs, in_flight.running AS running_runs,
             due.backlog AS due_backlog,
             extract(epoch FROM now() - least(due.oldest, in_flight.oldest))::float8 AS oldest_due_seconds,
             due.late AS late_unclaimed, in_flight.late AS late_queued
      FROM task_counts, due, in_flight`.execute(this.db);
    const row = result.rows[0];
    if (!row) throw new Error('the cluster snapshot returned no row');
    return {
      tasks: { ready: row.ready, running: row.running, failed: row.failed },
      runs: { queued: row.queued_runs, running: row.running_runs },
      dueBacklog: row.due_backlog,
      oldestDueSeconds: Math.max(0, row.oldest_due_seconds ?? 0),
      lateTasks: row.late_unclaimed + row.late_queued,
    };
  }
}
