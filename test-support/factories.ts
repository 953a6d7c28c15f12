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

/**
 * A task claimed ten minutes ago whose run is still queued under `jobId`: late, by
 * PostgreSQL's reading alone (SPEC §15), unless flow control says it waits at its destination.
 */
export async function lateQueuedRun(
  database: Pick<TestDatabase, 'tasks' | 'runs'>,
  task: { task_name: string; webhook_url: string; job_id: string },
): Promise<{ taskId: string; runId: string }> {
  const row = await database.tasks.create({
    ...task,
    task_schedule: '0 * * * *',
    json_payload: '{}',
    task_status: 'running',
  });
  const run = await database.runs.create({
    task_id: row.id,
    scheduled_for: new Date(Date.now() - 10 * 60_000),
    trigger: 'schedule',
    status: 'queued',
  });
  return { taskId: row.id, runId: run.id };
}
