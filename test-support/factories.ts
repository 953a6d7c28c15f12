import { isActiveRun } from '@scheduler/core';
import type { TaskRunStatus } from '@scheduler/db';
import type { TestDatabase } from './database';

/**
 * The run of a task's due instant, made (as an ended `schedule` run, or in
 * `status`) the first time it is asked for: attempts made by hand in tests
 * belong to a run, as the worker's do.
 */
export async function runFor(
  database: Pick<TestDatabase, 'runs'>,
  taskId: string,
  scheduledFor: Date,
  made: TaskRunStatus | { status?: TaskRunStatus; finishedAt?: Date } = 'failed',
): Promise<string> {
  const { status = 'failed', finishedAt = new Date() } = typeof made === 'string' ? { status: made } : made;
  const { rows } = await database.runs.list({
    page: 1,
    limit: 100,
    taskId,
    from: scheduledFor,
    to: scheduledFor,
  });
  const existing = rows.find(
    (run: { id: string; scheduled_for: Date }) => run.scheduled_for.getTime() === scheduledFor.getTime(),
  );
  if (existing) return existing.id;
  const run = await database.runs.create({
    task_id: taskId,
    scheduled_for: scheduledFor,
    trigger: 'schedule',
    status,
    // An ended run's end; one in flight has none (RunRepository.create leaves it null).
    ...(isActiveRun(status) ? {} : { finished_at: finishedAt }),
  });
  return run.id;
}
