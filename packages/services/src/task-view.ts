import { comesDueAt, maskedHeaders } from '@scheduler/core';
import type { TaskRow } from '@scheduler/db';

/**
 * Columns no answer shows: the job id of a run in flight and the alerts' health state
 * (internal), and the signing secrets (SPEC §14).
 */
type HiddenColumn = 'job_id' | 'failing' | 'signing_secret' | 'previous_signing_secret' | 'secret_rotated_at';

/** A task as users see it: its columns less what is internal or secret, its headers masked. */
type Shown<T extends TaskRow> = Omit<T, HiddenColumn | 'headers'> & { headers: Record<string, string> };

/** A task as users see it, in the API and the CLI. */
export type PublicTask = Shown<TaskRow>;

/**
 * `next_run_at` is shown as when the task comes due: a pause keeps the instants it covers in
 * the column, for their catch-up, but nothing comes due before the pause ends (SPEC §13).
 */
export function publicTask<T extends TaskRow>(task: T): Shown<T> {
  const {
    job_id: _jobId,
    failing: _failing,
    signing_secret: _secret,
    previous_signing_secret: _previous,
    secret_rotated_at: _rotatedAt,
    headers,
    ...shown
  } = task;
  // Sensitive header values are shown masked in every answer (SPEC §14).
  return {
    ...shown,
    next_run_at: comesDueAt(task),
    headers: maskedHeaders(headers as Record<string, string>),
  };
}

/** The create answer: the task with its signing secret, which only this answer and GET …/secret carry. */
export function createdTask<T extends TaskRow>(task: T): Shown<T> & { signing_secret: string } {
  return { ...publicTask(task), signing_secret: task.signing_secret };
}
