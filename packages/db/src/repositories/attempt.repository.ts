import { sql } from 'kysely';
import type { Database } from '../database';
import type { TaskLogStatus } from '../generated/db';
import type { AttemptRow } from '../rows';

export interface AttemptKey {
  taskId: string;
  scheduledFor: Date;
  retryCount: number;
}

export interface AttemptResult {
  attemptId: string;
  status: 'finish' | 'failed';
  executionTime: number;
  httpStatus: number | null;
  message: string;
}

/** A page of attempts, newest first, optionally of one task, in one status, or in [from, to]. */
export interface AttemptListQuery {
  page: number;
  limit: number;
  taskId?: string;
  status?: TaskLogStatus;
  /** Inclusive bounds on `created_at`, the attempt's start. */
  from?: Date;
  to?: Date;
}

/** How the run ends with this attempt, if it does. */
export type RunOutcome =
  { kind: 'continues' } | { kind: 'ends'; taskId: string; jobId: string; taskStatus: 'ready' | 'failed' };

export class AttemptRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts the attempt's `running` row, or reuses it when the same attempt is
   * delivered again after a worker crash. Undefined when that attempt already
   * has a final row: this delivery is a duplicate and must not POST again.
   */
  async insertAttempt(key: AttemptKey): Promise<{ id: string } | undefined> {
    return this.db
      .insertInto('task_logs')
      .values({ task_id: key.taskId, scheduled_for: key.scheduledFor, retry_count: key.retryCount })
      .onConflict((oc) =>
        oc
          .constraint('task_logs_attempt_key')
          .doUpdateSet({ created_at: sql<Date>`now()` })
          .where('task_logs.status', '=', 'running'),
      )
      .returning('id')
      .executeTakeFirst();
  }

  /**
   * Records an attempt's result and, when the run ends with it, the task's new
   * status — in one transaction, so a crash leaves either both or neither.
   */
  async finishAttempt(result: AttemptResult, run: RunOutcome): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('task_logs')
        .set({
          status: result.status,
          execution_time: result.executionTime,
          http_status: result.httpStatus,
          message: result.message,
        })
        .where('id', '=', result.attemptId)
        .execute();
      if (run.kind === 'ends') {
        await trx
          .updateTable('tasks')
          .set({ task_status: run.taskStatus, job_id: null })
          .where('id', '=', run.taskId)
          .where('task_status', '=', 'running')
          .where('job_id', '=', run.jobId)
          .execute();
      }
    });
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

  async list(query: AttemptListQuery): Promise<{ rows: AttemptRow[]; total: number }> {
    let filtered = this.db.selectFrom('task_logs');
    if (query.taskId) filtered = filtered.where('task_id', '=', query.taskId);
    if (query.status) filtered = filtered.where('status', '=', query.status);
    if (query.from) filtered = filtered.where('created_at', '>=', query.from);
    if (query.to) filtered = filtered.where('created_at', '<=', query.to);
    const [rows, count] = await Promise.all([
      filtered
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('retry_count', 'desc')
        .orderBy('id')
        .limit(query.limit)
        .offset((query.page - 1) * query.limit)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.total };
  }
}
