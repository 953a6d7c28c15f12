import { comesDueAt } from '@scheduler/core';
import type { TaskRow } from '@scheduler/db';

/** A task as users see it, in the API and the CLI: its columns, less the internal job id of its run in flight. */
export type PublicTask = Omit<TaskRow, 'job_id'>;

/**
 * `next_run_at` is shown as when the task comes due: a pause keeps the instants it covers in
 * the column, for their catch-up, but nothing comes due before the pause ends (SPEC §13).
 */
export function publicTask<T extends TaskRow>({ job_id: _jobId, ...task }: T): Omit<T, 'job_id'> {
  return { ...task, next_run_at: comesDueAt(task) };
}
