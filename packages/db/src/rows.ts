import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Destinations, TaskLogs, TaskRuns, Tasks } from './generated/db';

/** A `tasks` row as read. */
export type TaskRow = Selectable<Tasks>;
export type NewTaskRow = Insertable<Tasks>;
export type TaskRowPatch = Updateable<Tasks>;
/**
 * What the publisher reads of a task to plan its next run: reading the payload
 * and timestamps of every due task would cost the claim for nothing.
 */
export const SCHEDULED_TASK_COLUMNS = [
  'id',
  'task_schedule',
  'run_at',
  'timezone',
  'next_run_at',
  'max_retry',
  // The publisher puts each run's destination in its job (SPEC §12 flow control).
  'webhook_url',
  // Execution control (SPEC §13): what the claim's plan depends on.
  'starts_at',
  'ends_at',
  'paused_until',
  'catch_up',
  'jitter_ms',
  'priority',
  'deliver_within_ms',
] as const;
export type ScheduledTask = Pick<TaskRow, (typeof SCHEDULED_TASK_COLUMNS)[number]>;
/** A `task_logs` row as read: one delivery attempt. */
export type AttemptRow = Selectable<TaskLogs>;
/** An attempt in a list of attempts, which may span tasks: with its task's name. */
export type AttemptListItem = AttemptRow & Pick<TaskRow, 'task_name'>;

/** The latest attempt of a task, as a task list summarises it. */
export type LastAttempt = Pick<AttemptRow, 'status' | 'http_status' | 'execution_time' | 'created_at'>;
/** A task list item: its latest attempt, and its lateness at the 99th percentile (SPEC §15). */
export type TaskWithLastAttempt = TaskRow & {
  last_attempt: LastAttempt | null;
  lateness_p99_ms: number | null;
};

/** A `task_runs` row as read: one firing of a task. */
export type RunRow = Selectable<TaskRuns>;
export type NewRunRow = Insertable<TaskRuns>;
/** A run in a list of runs, which may span tasks: with its task's name. */
export type RunListItem = RunRow & Pick<TaskRow, 'task_name'>;
/** A run with its attempts, oldest first. */
export type RunWithAttempts = RunListItem & { attempts: AttemptRow[] };

/** A `destinations` row: the limits a user set on one destination (SPEC §12). */
export type DestinationRow = Selectable<Destinations>;
