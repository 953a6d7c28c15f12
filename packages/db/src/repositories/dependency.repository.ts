import { sql, type Transaction } from 'kysely';
import type { Database } from '../database';
import type { DB, TaskRunStatus } from '../generated/db';

/** A task named, as a dependency message names it. */
export interface NamedTask {
  id: string;
  task_name: string;
}

/** One edge of the dependency graph: `task_id` depends on `depends_on`. */
export interface DependencyEdge {
  task_id: string;
  depends_on: string;
}

/** A run a chain released (SPEC §13), for the caller to enqueue after the commit. */
export interface ReleasedRun {
  runId: string;
  taskId: string;
  /** When its round completed: the end of the latest of its dependencies' finish runs. */
  scheduledFor: Date;
  maxRetry: number;
  priority: number;
  webhookUrl: string;
  deliverBy: Date | null;
}

/** The dependency edges reachable from some tasks, and the names of the tasks on them. */
export interface DependencyGraph {
  edges: DependencyEdge[];
  names: Map<string, string>;
}

/** A graph as a check of new dependencies reads it: with which of them exist. */
export type CheckedGraph = DependencyGraph & { existing: NamedTask[] };

/** The advisory lock that takes changes of the dependency graph one at a time. */
const DEPENDENCY_GRAPH_LOCK = 0x5d_e9_0e_d5;

async function existingIn(
  db: Database | Transaction<DB>,
  ids: readonly string[],
  options: { lock?: boolean } = {},
): Promise<NamedTask[]> {
  if (ids.length === 0) return [];
  return (
    db
      .selectFrom('tasks')
      .select(['id', 'task_name'])
      .where('id', 'in', [...ids])
      // Held until the commit: a delete of one of them waits, and then cascades the new edges.
      .$if(options.lock === true, (qb) => qb.forKeyShare())
      .execute()
  );
}

async function reachableIn(db: Database | Transaction<DB>, ids: readonly string[]): Promise<DependencyGraph> {
  if (ids.length === 0) return { edges: [], names: new Map() };
  const { rows } = await sql<DependencyEdge>`
    WITH RECURSIVE reach(task_id, depends_on) AS (
      SELECT task_id, depends_on FROM task_dependencies WHERE task_id = ANY(${[...ids]}::uuid[])
      UNION
      SELECT d.task_id, d.depends_on FROM task_dependencies d JOIN reach r ON d.task_id = r.depends_on
    )
    SELECT task_id, depends_on FROM reach`.execute(db);
  const named = new Set<string>(ids);
  for (const edge of rows) named.add(edge.task_id).add(edge.depends_on);
  const tasks = await existingIn(db, [...named]);
  return { edges: rows, names: new Map(tasks.map((t) => [t.id, t.task_name])) };
}

/** SPEC §13 `task_dependencies`: which tasks a task runs after. */
export class DependencyRepository {
  constructor(private readonly db: Database) {}

  /** The tasks among `ids` that exist, with their names. */
  async existing(ids: readonly string[]): Promise<NamedTask[]> {
    return existingIn(this.db, ids);
  }

  /**
   * Every edge reachable from `ids` by following depends_on, with the names of the tasks on
   * them: what a cycle check of new dependencies needs (bounded by the graph, not the table).
   */
  async reachableFrom(ids: readonly string[]): Promise<DependencyGraph> {
    return reachableIn(this.db, ids);
  }

  /**
   * Replaces the task's dependencies with `dependsOn`, in one transaction, after `check`
   * passes on the graph as it is then (it throws to refuse). Changes of the graph are taken
   * one at a time (a transaction-scoped advisory lock), so two that would close a cycle
   * together cannot both pass; and the tasks depended on are locked against a delete until
   * the commit, so none vanishes between the check and the write.
   */
  async replace(
    taskId: string,
    dependsOn: readonly string[],
    check: (graph: CheckedGraph) => void = () => undefined,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${DEPENDENCY_GRAPH_LOCK})`.execute(trx);
      const existing = await existingIn(trx, dependsOn, { lock: true });
      check({ ...(await reachableIn(trx, dependsOn)), existing });
      await trx.deleteFrom('task_dependencies').where('task_id', '=', taskId).execute();
      if (dependsOn.length > 0) {
        await trx
          .insertInto('task_dependencies')
          .values(dependsOn.map((id) => ({ task_id: taskId, depends_on: id })))
          .execute();
      }
    });
  }

  /**
   * SPEC §13: a chained task enabled again (or made chained) starts from its next round, as a
   * scheduled one starts from its next instant — its dependencies count from now, so a round
   * they completed while it was disabled is not its own (the release reads `created_at`).
   */
  async countRoundsFromNow(taskId: string): Promise<void> {
    await this.db
      .updateTable('task_dependencies')
      .set({ created_at: sql<Date>`now()` })
      .where('task_id', '=', taskId)
      .execute();
  }

  /** Each dependency of the task with its latest run's status (null: never ran): what the gate reads. */
  async gateOf(taskId: string): Promise<{ id: string; task_name: string; latest: TaskRunStatus | null }[]> {
    const { rows } = await sql<{ id: string; task_name: string; latest: TaskRunStatus | null }>`
      SELECT t.id, t.task_name, r.status AS latest
      FROM task_dependencies d
      JOIN tasks t ON t.id = d.depends_on
      LEFT JOIN LATERAL (
        SELECT status FROM task_runs WHERE task_id = t.id ORDER BY created_at DESC LIMIT 1
      ) r ON true
      WHERE d.task_id = ${taskId}::uuid
      ORDER BY t.task_name`.execute(this.db);
    return rows;
  }

  /** The tasks it depends on, and the tasks that depend on it, by name. */
  async of(taskId: string): Promise<{ dependsOn: NamedTask[]; dependents: NamedTask[] }> {
    const [dependsOn, dependents] = await Promise.all([
      this.db
        .selectFrom('task_dependencies')
        .innerJoin('tasks', 'tasks.id', 'task_dependencies.depends_on')
        .select(['tasks.id', 'tasks.task_name'])
        .where('task_dependencies.task_id', '=', taskId)
        .orderBy('tasks.task_name')
        .execute(),
      this.db
        .selectFrom('task_dependencies')
        .innerJoin('tasks', 'tasks.id', 'task_dependencies.task_id')
        .select(['tasks.id', 'tasks.task_name'])
        .where('task_dependencies.depends_on', '=', taskId)
        .orderBy('tasks.task_name')
        .execute(),
    ]);
    return { dependsOn, dependents };
  }

  /**
   * SPEC §13's chain: each chained task (depends_on, neither task_schedule nor run_at) that is
   * ready, enabled, not paused and within its active range, and whose every dependency has a
   * `finish` run that ended after this task's latest run was made, gets one run (`trigger:
   * dependency`) and becomes `running` under `jobIdOf`'s job, in one transaction.
   *
   * Once per round, in the database: the task row is locked (SKIP LOCKED, so publishers split
   * the work), and the run's scheduled_for is the round's completion (the latest of those
   * ends), which task_runs_dependency_key makes one run per task — a release from a stale
   * snapshot finds the round's run there and makes none. A fan-in of several dependencies is
   * one round: released once the last of them has finished.
   */
  async releaseChainedRuns(
    limit: number,
    jobIdOf: (taskId: string, scheduledFor: Date) => string,
    asOf?: Date,
  ): Promise<ReleasedRun[]> {
    const instant = asOf ? sql<Date>`${asOf}::timestamptz` : sql<Date>`now()`;
    return this.db.transaction().execute(async (trx) => {
      // Named raw SQL: a lateral aggregate over each dependency's latest finish run, which the
      // builder cannot say; run against the real schema by dependency.repository.test.ts.
      const { rows: due } = await sql<{
        id: string;
        round_at: Date;
        max_retry: number;
        priority: number;
        webhook_url: string;
        deliver_within_ms: number | null;
      }>`
        SELECT t.id, round.completed_at AS round_at, t.max_retry, t.priority, t.webhook_url, t.deliver_within_ms
        FROM tasks t
        CROSS JOIN LATERAL (
          SELECT count(*) AS dependencies, count(*) FILTER (WHERE f.done) AS finished,
                 min(f.finished_at) FILTER (WHERE f.done) AS oldest,
                 max(f.finished_at) FILTER (WHERE f.done) AS completed_at
          FROM task_dependencies d
          -- Each dependency's latest ended run counts if it finished, after the task came to
          -- depend on it: a round over before then (before the task existed, or had this
          -- dependency) is not this task's, and one that ended otherwise is what the gate
          -- would skip on.
          LEFT JOIN LATERAL (
            SELECT r.finished_at, r.status = 'finish' AND r.finished_at > d.created_at AS done
            FROM task_runs r
            WHERE r.task_id = d.depends_on AND r.finished_at IS NOT NULL
            ORDER BY r.created_at DESC LIMIT 1
          ) f ON true
          WHERE d.task_id = t.id
        ) round
        WHERE t.task_schedule IS NULL AND t.run_at IS NULL
          AND t.task_status = 'ready' AND t.enabled
          AND (t.paused_until IS NULL OR t.paused_until <= ${instant})
          AND (t.starts_at IS NULL OR t.starts_at <= ${instant})
          AND (t.ends_at IS NULL OR t.ends_at > ${instant})
          AND round.dependencies > 0 AND round.finished = round.dependencies
          AND round.oldest > coalesce(
            (SELECT created_at FROM task_runs WHERE task_id = t.id ORDER BY created_at DESC LIMIT 1),
            '-infinity')
          -- This round (or a later one) already has its run: nothing to release.
          AND NOT EXISTS (SELECT 1 FROM task_runs WHERE task_id = t.id AND trigger = 'dependency'
                            AND scheduled_for >= round.completed_at)
        ORDER BY round.completed_at
        LIMIT ${limit}
        FOR UPDATE OF t SKIP LOCKED`.execute(trx);
      if (due.length === 0) return [];
      const { rows: made } = await sql<{ id: string; task_id: string; deliver_by: Date | null }>`
        INSERT INTO task_runs (task_id, scheduled_for, trigger, deliver_by)
        SELECT d.task_id, d.round_at, 'dependency',
               ${instant} + d.deliver_within_ms * interval '1 millisecond'
        FROM unnest(${due.map((d) => d.id)}::uuid[], ${due.map((d) => d.round_at)}::timestamptz[],
                    ${due.map((d) => d.deliver_within_ms)}::int[]) AS d(task_id, round_at, deliver_within_ms)
        ON CONFLICT DO NOTHING
        RETURNING id, task_id, deliver_by`.execute(trx);
      const byTask = new Map(due.map((d) => [d.id, d]));
      const released = made.map((run): ReleasedRun => {
        const task = byTask.get(run.task_id)!;
        return {
          runId: run.id,
          taskId: run.task_id,
          scheduledFor: task.round_at,
          maxRetry: task.max_retry,
          priority: task.priority,
          webhookUrl: task.webhook_url,
          deliverBy: run.deliver_by,
        };
      });
      if (released.length > 0) {
        await sql`
          UPDATE tasks SET task_status = 'running', last_run_at = now(), job_id = d.job_id
          FROM unnest(${released.map((r) => r.taskId)}::uuid[],
                      ${released.map((r) => jobIdOf(r.taskId, r.scheduledFor))}::text[]) AS d(id, job_id)
          WHERE tasks.id = d.id`.execute(trx);
      }
      return released;
    });
  }
}
