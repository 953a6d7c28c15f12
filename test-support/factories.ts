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
  status: TaskRunStatus = 'failed',
): Promise<string> {
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
  const ended = status !== 'queued' && status !== 'running';
  const run = await database.runs.create({
    task_id: taskId,
    scheduled_for: scheduledFor,
    trigger: 'schedule',
    status,
    finished_at: ended ? new Date() : null,
  });
  return run.id;
}
