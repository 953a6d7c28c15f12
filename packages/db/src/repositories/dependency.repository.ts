import { sql } from 'kysely';
import type { Database } from '../database';
import type { TaskRunStatus } from '../generated/db';

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

/** SPEC §13 `task_dependencies`: which tasks a task runs after. */
export class DependencyRepository {
  constructor(private readonly db: Database) {}

  /** The tasks among `ids` that exist, with their names. */
  async existing(ids: readonly string[]): Promise<NamedTask[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('tasks')
      .select(['id', 'task_name'])
      .where('id', 'in', [...ids])
      .execute();
  }

  /**
   * Every edge reachable from `ids` by following depends_on, with the names of the tasks on
   * them: what a cycle check of new dependencies needs (bounded by the graph, not the table).
   */
  async reachableFrom(
    ids: readonly string[],
  ): Promise<{ edges: DependencyEdge[]; names: Map<string, string> }> {
    if (ids.length === 0) return { edges: [], names: new Map() };
    const { rows } = await sql<DependencyEdge>`
      WITH RECURSIVE reach(task_id, depends_on) AS (
        SELECT task_id, depends_on FROM task_dependencies WHERE task_id = ANY(${[...ids]}::uuid[])
        UNION
        SELECT d.task_id, d.depends_on FROM task_dependencies d JOIN reach r ON d.task_id = r.depends_on
      )
      SELECT task_id, depends_on FROM reach`.execute(this.db);
    const named = new Set<string>(ids);
    for (const edge of rows) named.add(edge.task_id).add(edge.depends_on);
    const tasks = await this.existing([...named]);
    return { edges: rows, names: new Map(tasks.map((t) => [t.id, t.task_name])) };
  }

  /** Replaces the task's dependencies with `dependsOn`, in one transaction. */
  async replace(taskId: string, dependsOn: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('task_dependencies').where('task_id', '=', taskId).execute();
      if (dependsOn.length > 0) {
        await trx
          .insertInto('task_dependencies')
          .values(dependsOn.map((id) => ({ task_id: taskId, depends_on: id })))
          .execute();
      }
    });
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
}
