import type { TaskRow } from '@scheduler/db';

/** A task as users see it, in the API and the CLI: its columns, less the internal job id of its run in flight. */
export type PublicTask = Omit<TaskRow, 'job_id'>;

export function publicTask<T extends TaskRow>({ job_id: _jobId, ...task }: T): Omit<T, 'job_id'> {
  return task;
}
