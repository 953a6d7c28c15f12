import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../database';
import type { DB, TaskStatus } from '../generated/db';
import { runDueAt } from './run.repository';
import {
  type LastAttempt,
  type NewTaskRow,
  type RunRow,
  SCHEDULED_TASK_COLUMNS,
  type ScheduledTask,
  type TaskRow,
  type TaskRowPatch,
  type TaskWithLastAttempt,
} from '../rows';

/** A task as an alert about it needs it. */
export type AlertTarget = Pick<
  TaskRow,
  'id' | 'task_name' | 'alert_url' | 'signing_secret' | 'previous_signing_secret' | 'secret_rotated_at'
>;

export type TaskSort = 'created_at' | 'task_name' | 'next_run_at' | 'lateness_p99_ms';
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

/**
 * What the claim writes for one claimed task: a run (its row, the task
 * `running` under `jobId`, its next due instant — null when never due again),
 * or only a later look (its schedule cannot be planned).
 */
export type ClaimWrite =
  | {
      kind: 'run';
      id: string;
      jobId: string;
      scheduledFor: Date;
      maxRetry: number;
      nextRunAt: Date | null;
      destination?: string | undefined;
      priority?: number | undefined;
      /** The run's delivery deadline (SPEC §13); null: none. */
      deliverBy?: Date | null;
      /** When it came due, where jitter puts that after `scheduledFor` (SPEC §13). */
      dueAt?: Date | undefined;
    }
  | { kind: 'look-later'; id: string; nextRunAt: Date | null };

/** A run the claim made, for the caller to enqueue after the commit. */
export interface ClaimedRun {
  runId: string;
  taskId: string;
  scheduledFor: Date;
  maxRetry: number;
  destination?: string | undefined;
  priority?: number | undefined;
  /** Its delivery deadline (SPEC §13), when the task has one. */
  deliverBy?: Date;
  /** When it came due, where jitter puts that after `scheduledFor`. */
  dueAt?: Date;
  /** Whether its task has dependencies (SPEC §13's gate): false spares the worker a look at them. */
  gated: boolean;
}

/** What one claim did: the runs it made, and how many tasks it only put off. */
export interface ClaimResult {
  claimed: number;
  runs: ClaimedRun[];
  /** Tasks whose due instant already had a run (a repeated claim): moved on, not run again. */
  repeated: string[];
}

/** A run started outside the schedule (run now, retry), with its task as it now stands. */
export interface StartedRun {
  task: TaskRow;
  run: RunRow;
}

export interface RunStart {
  jobId: string;
  trigger: 'manual' | 'retry';
  scheduledFor: Date;
  retryOf?: string | null;
  payloadOverride?: string | null;
  /** The task's next due instant, when the run changes it (a failed task re-armed). */
  nextRunAt?: Date | null;
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
   * A page of tasks, each with a summary of its latest attempt (or null, found by a LATERAL
   * join on the (task_id, created_at) index) and the 99th percentile of their lateness
   * (as RunRepository.punctuality: over a task's latest 100 `schedule` and `dependency`
   * runs, along task_runs_task_id_created_at_idx). The page is chosen first and the
   * laterals run for its rows only, except that sorting by lateness needs it for every
   * task the filters keep.
   */
  async listWithLastAttempt(query: TaskListQuery): Promise<{ rows: TaskWithLastAttempt[]; total: number }> {
    const filtered = this.filtered(query);
    const byLateness = query.sort === 'lateness_p99_ms';
    // Sorting by lateness needs it for every task the filters keep; the page's rows get it
    // again below, along the same index, as every other sort does.
    const chosen = filtered
      .selectAll('tasks')
      .$if(byLateness, (qb) => qb.leftJoinLateral(latenessP99(), (join) => join.onTrue()));
    const sortKey = byLateness ? sql.ref('punct.lateness_p99_ms') : sql.ref(`tasks.${query.sort}`);
    const pageRows = this.paged(chosen, query, sortKey);
    const outer = this.paged(
      this.db
        .selectFrom(pageRows.as('tasks'))
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
        .leftJoinLateral(latenessP99(), (join) => join.onTrue())
        .selectAll('tasks')
        .select([
          'punct.lateness_p99_ms',
          'last.status as last_status',
          'last.http_status as last_http_status',
          'last.execution_time as last_execution_time',
          'last.created_at as last_created_at',
        ]),
      { ...query, page: 1 },
      sortKey,
    );
    const [rows, total] = await Promise.all([outer.execute(), countOf(filtered)]);
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
  private paged<D, T extends keyof D, O>(
    select: SelectQueryBuilder<D, T, O>,
    query: TaskListQuery,
    sortKey: RawBuilder<unknown>,
  ): SelectQueryBuilder<D, T, O> {
    return select
      .orderBy(sortKey, (ob) => (query.order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast()))
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

  /** Moves the next due instant from `from` to `to`; undefined when it is no longer `from`. */
  async moveNextRunAt(id: string, from: Date, to: Date | null): Promise<TaskRow | undefined> {
    return this.db
      .updateTable('tasks')
      .set({ next_run_at: to })
      .where('id', '=', id)
      .where('next_run_at', '=', from)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Puts `secret` in place; the secret it replaces keeps signing beside it from
   * now (SPEC §14: for 24 h). Undefined when the task is missing.
   */
  async rotateSecret(id: string, secret: string): Promise<Pick<TaskRow, 'signing_secret'> | undefined> {
    return this.db
      .updateTable('tasks')
      .set((eb) => ({
        previous_signing_secret: eb.ref('signing_secret'),
        signing_secret: secret,
        secret_rotated_at: sql<Date>`now()`,
      }))
      .where('id', '=', id)
      .returning('signing_secret')
      .executeTakeFirst();
  }

  /** What an alert about the task needs (SPEC §14): its name, its own alert URL, the secrets that sign it. */
  async alertTarget(id: string): Promise<AlertTarget | undefined> {
    return this.db
      .selectFrom('tasks')
      .select([
        'id',
        'task_name',
        'alert_url',
        'signing_secret',
        'previous_signing_secret',
        'secret_rotated_at',
      ])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /**
   * Deletes the task. Its dependents' runs not started yet (any trigger but manual, which
   * the gate lets by) go on without it (SPEC §13), and say so: `note` names it, recorded
   * on each such run as a message its end keeps (after its own). A chained dependent that
   * ran after it alone is disabled with `strandedReason`.
   */
  async delete(
    id: string,
    note?: (task: { id: string; task_name: string }) => string,
    strandedReason?: (task: { id: string; task_name: string }) => string,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const task = await trx
        .selectFrom('tasks')
        .select(['id', 'task_name'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!task) return false;
      if (note) {
        await trx
          .updateTable('task_runs')
          .set({ message: sql<string>`concat_ws(' — ', message, ${note(task)}::text)` })
          .where('task_id', 'in', (eb) =>
            eb.selectFrom('task_dependencies').select('task_id').where('depends_on', '=', id),
          )
          .where('finished_at', 'is', null)
          .where('status', '=', 'queued')
          .where('trigger', '<>', 'manual')
          .execute();
      }
      if (strandedReason) {
        // A chained task that ran after this one only would never run again: it is disabled, saying why.
        await trx
          .updateTable('tasks')
          .set({ enabled: false, disabled_reason: strandedReason(task) })
          .where('task_schedule', 'is', null)
          .where('run_at', 'is', null)
          .where('enabled', '=', true)
          .where('id', 'in', (eb) =>
            eb.selectFrom('task_dependencies').select('task_id').where('depends_on', '=', id),
          )
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('task_dependencies as other')
                  .select('other.task_id')
                  .whereRef('other.task_id', '=', 'tasks.id')
                  .where('other.depends_on', '<>', id),
              ),
            ),
          )
          .execute();
      }
      const result = await trx.deleteFrom('tasks').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  /**
   * Pauses a task, or resumes it from `resumeAt`: in one statement, so a due
   * instant left over from the pause is never claimable, not even for a moment.
   * Resuming a task its webhook disabled (SPEC §14) clears the reason and re-arms it
   * when the run that disabled it left it failed.
   */
  async toggleEnabled(id: string, resumeAt: Date | null): Promise<TaskRow | undefined> {
    return this.db
      .updateTable('tasks')
      .set((eb) => ({
        enabled: eb.not('enabled'),
        next_run_at: sql<Date | null>`CASE WHEN enabled THEN next_run_at ELSE ${resumeAt}::timestamptz END`,
        task_status: sql<TaskStatus>`CASE WHEN disabled_reason IS NOT NULL AND task_status = 'failed'
                                          THEN 'ready' ELSE task_status END`,
        disabled_reason: null,
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Starts a run outside the schedule (run now, retry): in one transaction the
   * task becomes `running` under `start.jobId` — only from one of the `from`
   * statuses, never twice at once — and the run's row is made, remembering the
   * status the task had. Undefined when the task is missing or in another status.
   */
  async startRun(id: string, from: readonly TaskStatus[], start: RunStart): Promise<StartedRun | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('tasks')
        .select('task_status')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before || !from.includes(before.task_status)) return undefined;
      // Runs of a task never overlap: its newest run is the one in flight, if any. A task
      // whose running state was lost (ready, yet a run in flight) is answered as running.
      const newest = await trx
        .selectFrom('task_runs')
        .select('finished_at')
        .where('task_id', '=', id)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (newest && newest.finished_at === null) return undefined;
      const task = await trx
        .updateTable('tasks')
        .set({
          task_status: 'running',
          job_id: start.jobId,
          last_run_at: sql<Date>`now()`,
          ...(start.nextRunAt !== undefined ? { next_run_at: start.nextRunAt } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const run = await trx
        .insertInto('task_runs')
        .values({
          task_id: id,
          scheduled_for: start.scheduledFor,
          trigger: start.trigger,
          retry_of: start.retryOf ?? null,
          payload_override: start.payloadOverride ?? null,
          prior_task_status: before.task_status,
          // SPEC §13: a run now or a retry must be delivered within deliver_within_ms of being asked for.
          deliver_by: sql<Date | null>`${start.scheduledFor}::timestamptz + ${task.deliver_within_ms}::int * interval '1 millisecond'`,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { task, run };
    });
  }

  /** Undoes a started run that could not be queued: the run row goes, the task is back as it was. */
  async unstartRun(runId: string, taskId: string, jobId: string, status: TaskStatus): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('task_runs').where('id', '=', runId).execute();
      await trx
        .updateTable('tasks')
        .set({ task_status: status, job_id: null })
        .where('id', '=', taskId)
        .where('job_id', '=', jobId)
        .execute();
    });
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
    decide: (due: ScheduledTask[], asOf: Date) => ClaimWrite[],
    asOf?: Date,
  ): Promise<ClaimResult> {
    const instant = asOfSql(asOf);
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('tasks')
        .select(SCHEDULED_TASK_COLUMNS)
        .select(instant.as('as_of'))
        .select(
          sql<boolean>`EXISTS (SELECT 1 FROM task_dependencies d WHERE d.task_id = tasks.id)`.as('gated'),
        )
        .where('task_status', '=', 'ready')
        .where('enabled', '=', true)
        .where('next_run_at', '<=', instant)
        // Paused until later (SPEC §13): the instants it covers wait for its end, then are caught up.
        .where((eb) => eb.or([eb('paused_until', 'is', null), eb('paused_until', '<=', instant)]))
        .orderBy('next_run_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      const [first] = due;
      if (!first) return { claimed: 0, runs: [], repeated: [] };
      const writes = decide(due, first.as_of);
      const wanted = writes.filter((w) => w.kind === 'run');
      const later: { id: string; nextRunAt: Date | null }[] = writes.filter((w) => w.kind === 'look-later');
      // One run per due instant, enforced by task_runs_schedule_key: an instant that
      // already has its run (claimed again after a crash, say) gets no second one.
      const { rows: made } =
        wanted.length === 0
          ? { rows: [] }
          : await sql<{ id: string; task_id: string }>`
              INSERT INTO task_runs (task_id, scheduled_for, trigger, deliver_by, due_at)
              SELECT task_id, scheduled_for, 'schedule', deliver_by, due_at
              FROM unnest(${wanted.map((w) => w.id)}::uuid[], ${wanted.map((w) => w.scheduledFor)}::timestamptz[],
                          ${wanted.map((w) => w.deliverBy ?? null)}::timestamptz[],
                          ${wanted.map((w) => w.dueAt ?? null)}::timestamptz[])
                AS d(task_id, scheduled_for, deliver_by, due_at)
              ON CONFLICT DO NOTHING
              RETURNING id, task_id`.execute(trx);
      const runIds = new Map(made.map((row) => [row.task_id, row.id]));
      const gated = new Set(due.filter((task) => task.gated).map((task) => task.id));
      const started = wanted.filter((w) => runIds.has(w.id));
      const repeated = wanted.filter((w) => !runIds.has(w.id));
      if (started.length > 0) {
        await sql`
          UPDATE tasks SET task_status = 'running', last_run_at = now(), next_run_at = d.next_run_at, job_id = d.job_id
          FROM unnest(${started.map((d) => d.id)}::uuid[], ${started.map((d) => d.nextRunAt)}::timestamptz[],
                      ${started.map((d) => d.jobId)}::text[]) AS d(id, next_run_at, job_id)
          WHERE tasks.id = d.id`.execute(trx);
      }
      later.push(...repeated);
      if (later.length > 0) await setNextRunAt(trx, later);
      // A pause that has ended clears itself.
      const unpaused = due.filter((task) => task.paused_until !== null).map((task) => task.id);
      if (unpaused.length > 0) {
        await trx.updateTable('tasks').set({ paused_until: null }).where('id', 'in', unpaused).execute();
      }
      return {
        claimed: due.length,
        runs: started.map((w) => ({
          runId: runIds.get(w.id) ?? '',
          taskId: w.id,
          scheduledFor: w.scheduledFor,
          maxRetry: w.maxRetry,
          destination: w.destination,
          priority: w.priority,
          ...(w.deliverBy ? { deliverBy: w.deliverBy } : {}),
          ...(w.dueAt ? { dueAt: w.dueAt } : {}),
          gated: gated.has(w.id),
        })),
        repeated: repeated.map((w) => w.id),
      };
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
        // A one-time task that has fired has no next instant, and never will; nor has a task
        // past its ends_at (SPEC §13: its next_run_at is null for good).
        .where('task_schedule', 'is not', null)
        .where('ends_at', 'is', null)
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

/**
 * A task's lateness at the 99th percentile, in whole ms, as a lateral over `tasks`: its
 * latest 100 `schedule` and `dependency` runs (task_runs_task_id_created_at_idx), the runs
 * that started (null while none has). The same figure as RunRepository.punctuality.
 */
function latenessP99() {
  return sql<{ lateness_p99_ms: number | null }>`(
    SELECT round(percentile_cont(0.99) WITHIN GROUP (
             ORDER BY greatest(0, extract(epoch FROM latest.started_at - latest.due) * 1000)
           ))::float8 AS lateness_p99_ms
    FROM (
      SELECT task_runs.started_at, ${runDueAt('task_runs')} AS due
      FROM task_runs
      WHERE task_runs.task_id = tasks.id AND task_runs.trigger IN ('schedule', 'dependency')
      ORDER BY task_runs.created_at DESC
      LIMIT 100
    ) AS latest
    WHERE latest.started_at IS NOT NULL
  )`.as('punct');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
