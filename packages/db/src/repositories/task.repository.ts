import { type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../database';
import type { DB, TaskStatus } from '../generated/db';
import {
  type LastAttempt,
  type NewTaskRow,
  SCHEDULED_TASK_COLUMNS,
  type ScheduledTask,
  type TaskRow,
  type TaskRowPatch,
  type TaskWithLastAttempt,
} from '../rows';

export type TaskSort = 'created_at' | 'task_name' | 'next_run_at';
export type SortOrder = 'asc' | 'desc';

export interface TaskListQuery {
  page: number;
  limit: number;
  taskStatus?: TaskStatus;
  enabled?: boolean;
  /** Case-insensitive substring of `task_name`. */
  search?: string;
  sort: TaskSort;
  order: SortOrder;
}

/** What the publisher decided for one claimed task. */
export type ClaimDecision =
  | { kind: 'enqueued'; id: string; jobId: string; nextRunAt: Date | null; run: DeliveryRunPlan }
  /** Not enqueued (e.g. its schedule no longer parses): only its next look is moved. */
  | { kind: 'deferred'; id: string; nextRunAt: Date };

/** What the caller needs to enqueue a claimed run. */
export interface DeliveryRunPlan {
  taskId: string;
  scheduledFor: Date;
  maxRetry: number;
}

export interface StuckRun {
  id: string;
  job_id: string | null;
  max_retry: number;
  /** Where the run stands in the watchdog's sweep (timestamptz as text, to the microsecond). */
  updated_at: string;
}

export class TaskRepository {
  constructor(private readonly db: Database) {}

  async create(values: NewTaskRow): Promise<TaskRow> {
    return this.db.insertInto('tasks').values(values).returningAll().executeTakeFirstOrThrow();
  }

  async findById(id: string): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * A page of tasks, each with a summary of its latest attempt (or null): one query,
   * the attempt found per row by a LATERAL join on the (task_id, created_at) index.
   */
  async listWithLastAttempt(query: TaskListQuery): Promise<{ rows: TaskWithLastAttempt[]; total: number }> {
    const filtered = this.filtered(query);
    const page = this.paged(
      filtered
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('task_logs')
              .select(['status', 'http_status', 'execution_time', 'created_at'])
              .whereRef('task_logs.task_id', '=', 'tasks.id')
              .orderBy('task_logs.created_at', 'desc')
              .orderBy('task_logs.retry_count', 'desc')
              .limit(1)
              .as('last'),
          (join) => join.onTrue(),
        )
        .selectAll('tasks')
        .select([
          'last.status as last_status',
          'last.http_status as last_http_status',
          'last.execution_time as last_execution_time',
          'last.created_at as last_created_at',
        ]),
      query,
    );
    const [rows, total] = await Promise.all([page.execute(), countOf(filtered)]);
    return {
      rows: rows.map(({ last_status, last_http_status, last_execution_time, last_created_at, ...task }) => {
        const last_attempt: LastAttempt | null =
          last_status === null || last_created_at === null
            ? null
            : {
                status: last_status,
                http_status: last_http_status,
                execution_time: last_execution_time,
                created_at: last_created_at,
              };
        return { ...task, last_attempt };
      }),
      total,
    };
  }

  private filtered(query: TaskListQuery) {
    let filtered = this.db.selectFrom('tasks');
    if (query.taskStatus) filtered = filtered.where('tasks.task_status', '=', query.taskStatus);
    if (query.enabled !== undefined) filtered = filtered.where('tasks.enabled', '=', query.enabled);
    if (query.search) filtered = filtered.where('tasks.task_name', 'ilike', `%${escapeLike(query.search)}%`);
    return filtered;
  }

  /** Sorted, then by id so pages never overlap or skip rows that tie on the sort field. */
  private paged<D extends DB, T extends keyof D, O>(
    select: SelectQueryBuilder<D, T, O>,
    query: TaskListQuery,
  ): SelectQueryBuilder<D, T, O> {
    return select
      .orderBy(sql.ref(`tasks.${query.sort}`), (ob) =>
        query.order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast(),
      )
      .orderBy(sql.ref('tasks.id'))
      .limit(query.limit)
      .offset((query.page - 1) * query.limit);
  }

  /** Undefined when the task is missing, or not in `whileStatus` when one is given. */
  async update(id: string, patch: TaskRowPatch, whileStatus?: TaskStatus): Promise<TaskRow | undefined> {
    let update = this.db.updateTable('tasks').set(patch).where('id', '=', id);
    if (whileStatus) update = update.where('task_status', '=', whileStatus);
    return update.returningAll().executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tasks').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * Pauses a task, or resumes it from `resumeAt`: in one statement, so a due
   * instant left over from the pause is never claimable, not even for a moment.
   */
  async toggleEnabled(id: string, resumeAt: Date | null): Promise<TaskRow | undefined> {
    return this.db
      .updateTable('tasks')
      .set((eb) => ({
        enabled: eb.not('enabled'),
        next_run_at: sql<Date | null>`CASE WHEN enabled THEN next_run_at ELSE ${resumeAt}::timestamptz END`,
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Marks a task `running` for a run outside its schedule, only from one of the
   * given statuses (never twice at once). Undefined when it is missing or in another status.
   */
  async claimForRun(
    id: string,
    jobId: string,
    from: readonly TaskStatus[],
    nextRunAt?: Date | null,
  ): Promise<TaskRow | undefined> {
    return this.db
      .updateTable('tasks')
      .set({
        task_status: 'running',
        job_id: jobId,
        last_run_at: sql<Date>`now()`,
        ...(nextRunAt !== undefined ? { next_run_at: nextRunAt } : {}),
      })
      .where('id', '=', id)
      .where('task_status', 'in', from)
      .returningAll()
      .executeTakeFirst();
  }

  /** Ends a run: back to `ready` or to `failed`, only if this job still owns the task. */
  async finishRun(id: string, jobId: string, status: 'ready' | 'failed'): Promise<boolean> {
    const result = await this.db
      .updateTable('tasks')
      .set({ task_status: status, job_id: null })
      .where('id', '=', id)
      .where('task_status', '=', 'running')
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** PostgreSQL's clock, now (not the start of a transaction). */
  async databaseClock(): Promise<Date> {
    const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(this.db);
    return rows[0]!.now;
  }

  /**
   * The publisher's claim, in one transaction: lock up to `limit` ready, enabled
   * tasks due by `asOf` (FOR UPDATE SKIP LOCKED, so concurrent publishers split
   * the work and never take the same row), let `decide` plan each, and commit
   * the plan — `running` with its job id and next due instant for each run. The
   * caller enqueues the runs after the commit; a run lost between the two is
   * found by the watchdog through its job id.
   *
   * `asOf` defaults to PostgreSQL's now(), and `decide` is given the instant
   * used: one clock for every publisher, so a host whose clock runs ahead never
   * fires a task early (a clock of one's own is for tests and benchmarks).
   */
  async claimDueTasks(
    limit: number,
    decide: (due: ScheduledTask[], asOf: Date) => ClaimDecision[],
    asOf?: Date,
  ): Promise<ClaimDecision[]> {
    const instant = asOfSql(asOf);
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('tasks')
        .select(SCHEDULED_TASK_COLUMNS)
        .select(instant.as('as_of'))
        .where('task_status', '=', 'ready')
        .where('enabled', '=', true)
        .where('next_run_at', '<=', instant)
        .orderBy('next_run_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      const [first] = due;
      if (!first) return [];
      const decisions = decide(due, first.as_of);
      const enqueued = decisions.filter((d) => d.kind === 'enqueued');
      const deferred = decisions.filter((d) => d.kind === 'deferred');
      if (enqueued.length > 0) {
        await sql`
          UPDATE tasks SET task_status = 'running', last_run_at = now(), next_run_at = d.next_run_at, job_id = d.job_id
          FROM unnest(${enqueued.map((d) => d.id)}::uuid[], ${enqueued.map((d) => d.nextRunAt)}::timestamptz[],
                      ${enqueued.map((d) => d.jobId)}::text[]) AS d(id, next_run_at, job_id)
          WHERE tasks.id = d.id`.execute(trx);
      }
      if (deferred.length > 0) await setNextRunAt(trx, deferred);
      return decisions;
    });
  }

  /**
   * Tasks whose next due instant is not computed yet (rows inserted by hand):
   * `schedule` gives each the instant of its next look (its due instant, or a
   * later retry when its schedule does not parse), from `asOf` — by default
   * PostgreSQL's now(), as for the claim.
   */
  async scheduleUnscheduled(
    limit: number,
    schedule: (rows: ScheduledTask[], asOf: Date) => { id: string; nextRunAt: Date }[],
    asOf?: Date,
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('tasks')
        .select(SCHEDULED_TASK_COLUMNS)
        .select(asOfSql(asOf).as('as_of'))
        .where('next_run_at', 'is', null)
        .orderBy('created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      const [first] = rows;
      if (!first) return 0;
      const planned = schedule(rows, first.as_of);
      if (planned.length > 0) await setNextRunAt(trx, planned);
      return planned.length;
    });
  }

  /**
   * Runs `running` for longer than `olderThanMs`, oldest first, a page at a time:
   * `after` is the last run of the previous page. (Ordered by updated_at and id:
   * a claim gives every task of its batch the same updated_at.)
   */
  async findLongRunning(olderThanMs: number, limit: number, after?: StuckRun): Promise<StuckRun[]> {
    let query = this.db
      .selectFrom('tasks')
      // As text, to the microsecond: a Date would round it down and a page could repeat forever.
      .select(['id', 'job_id', 'max_retry', sql<string>`updated_at::text`.as('updated_at')])
      .where('task_status', '=', 'running')
      .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`);
    if (after) {
      // Both conditions are index conditions on tasks_running_order_idx (updated_at, id): the walk starts at the cursor.
      query = query
        .where('updated_at', '>=', sql<Date>`${after.updated_at}::timestamptz`)
        .where(sql<boolean>`(updated_at, id) > (${after.updated_at}::timestamptz, ${after.id}::uuid)`);
    }
    // The table's columns, not the text `updated_at` selected above: in the index's order, a look
    // reads one page and stops instead of sorting every long run.
    return query.orderBy('tasks.updated_at').orderBy('tasks.id').limit(limit).execute();
  }

  /**
   * Returns a run whose job ended unnoticed to `ready`, unless it moved on
   * meanwhile, and closes the attempts it left `running` as `failed` with
   * `message`: no worker will ever write their results. One statement: a task
   * is never released with its attempt still shown as running.
   */
  async releaseStuckRun(id: string, jobId: string | null, message: string): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      WITH released AS (
        UPDATE tasks SET task_status = 'ready', job_id = NULL
        WHERE id = ${id} AND task_status = 'running' AND job_id IS NOT DISTINCT FROM ${jobId}
        RETURNING id
      ), closed AS (
        UPDATE task_logs SET status = 'failed', message = ${message}
        WHERE task_id IN (SELECT id FROM released) AND status = 'running'
      )
      SELECT id FROM released`.execute(this.db);
    return rows.length > 0;
  }
}

/** The instant a claim works as of: the one given, or the database's clock. */
function asOfSql(asOf: Date | undefined) {
  return asOf ? sql<Date>`${asOf}::timestamptz` : sql<Date>`now()`;
}

async function setNextRunAt(db: Database, rows: { id: string; nextRunAt: Date | null }[]): Promise<void> {
  await sql`
    UPDATE tasks SET next_run_at = d.next_run_at
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.nextRunAt)}::timestamptz[]) AS d(id, next_run_at)
    WHERE tasks.id = d.id`.execute(db);
}

async function countOf(filtered: SelectQueryBuilder<DB, 'tasks', object>): Promise<number> {
  const row = await filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return row.total;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
