/** Wire shapes of the REST API (SPEC §4, §6 and §11): field names are the database column names. */
import type {
  attemptStatuses,
  CatchUp,
  HttpMethod,
  runStatuses,
  runTriggers,
  taskStatuses,
} from '@scheduler/core';

// The statuses are the domain's own lists (what the API validates against), not copies.
export { attemptStatuses, runStatuses, runTriggers, taskStatuses } from '@scheduler/core';
export type TaskStatus = (typeof taskStatuses)[number];
export type AttemptStatus = (typeof attemptStatuses)[number];
export type RunStatus = (typeof runStatuses)[number];
export type RunTrigger = (typeof runTriggers)[number];

export interface Task {
  id: string;
  task_name: string;
  /** The cron expression; null for a one-time task, which has `run_at` instead (SPEC §11). */
  task_schedule: string | null;
  /** A one-time task's instant; null for a task with a schedule. */
  run_at: string | null;
  webhook_url: string;
  json_payload: unknown;
  max_retry: number;
  /** 1 (lowest) to 10 (highest): where runs wait, higher priority goes first (SPEC §12). */
  priority: number;
  task_status: TaskStatus;
  enabled: boolean;
  /** Why its webhook disabled it (SPEC §14: gone, per Discord's code or a 410); null otherwise. */
  disabled_reason: string | null;
  timezone: string;
  next_run_at: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
  /** Execution control (SPEC §13): the active range, a pause, a delivery deadline, catch-up and jitter. */
  starts_at: string | null;
  ends_at: string | null;
  paused_until: string | null;
  deliver_within_ms: number | null;
  catch_up: CatchUp;
  jitter_ms: number;
  /** SPEC §14 request options; sensitive header values come masked. */
  http_method: HttpMethod;
  headers: Record<string, string>;
  /** Null: the worker's WEBHOOK_TIMEOUT_MS. */
  timeout_ms: number | null;
  /** Where this task's alerts go besides ALERT_WEBHOOK_URL (SPEC §14); null: none. */
  alert_url: string | null;
}

/** The latest attempt, as the task list summarises it. */
export interface LastAttempt {
  status: AttemptStatus;
  http_status: number | null;
  execution_time: number | null;
  created_at: string;
}

export interface TaskListItem extends Task {
  last_attempt: LastAttempt | null;
  /** Lateness at the 99th percentile over its latest 100 scheduled runs (SPEC §15); null while none started. */
  lateness_p99_ms: number | null;
}

/** One row of `task_logs`: one delivery attempt of a run. */
export interface Attempt {
  id: string;
  task_id: string;
  run_id: string;
  execution_time: number | null;
  status: AttemptStatus;
  retry_count: number;
  message: string | null;
  created_at: string;
  scheduled_for: string;
  http_status: number | null;
  /** The id of the message a Discord webhook posted (`?wait=true`); null when none. */
  response_id: string | null;
}

/** The seed's name for an attempt (its table is `task_logs`); new code says `Attempt`. */
export type TaskLog = Attempt;

/** An attempt in a list of attempts (all tasks', or one task's): with its task's name. */
export interface TaskLogListItem extends TaskLog {
  task_name: string;
}

/** One firing of a task (`task_runs`, SPEC §11); its attempts are the `task_logs` rows. */
export interface Run {
  id: string;
  task_id: string;
  scheduled_for: string;
  trigger: RunTrigger;
  status: RunStatus;
  attempt_count: number;
  retry_of: string | null;
  /** The body sent instead of the task's payload (a retry with an edited payload); null otherwise. */
  payload_override: unknown;
  message: string | null;
  http_status: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The instant by which it must be delivered, or it ends expired (SPEC §13); null: no deadline. */
  deliver_by: string | null;
  prior_task_status: TaskStatus;
}

/** A run in a list of runs, and every run the run routes answer with: with its task's name. */
export interface RunListItem extends Run {
  task_name: string;
}

/** GET /api/runs/:id: the run with its attempts, oldest first. */
export interface RunDetail extends RunListItem {
  attempts: Attempt[];
}

export interface TaskDetail extends Task {
  logs: TaskLog[];
  /** The next 5 instants it comes due (jitter, active range, pause and catch-up applied). */
  next_runs: string[];
  /** The ids of the tasks it runs after (SPEC §13); the same tasks named; those that run after it. */
  depends_on: string[];
  dependencies: { id: string; task_name: string }[];
  dependents: { id: string; task_name: string }[];
  /** Its run queued or running; null when none. */
  current_run: Run | null;
  /** Its latest ended run; null before the first. */
  last_run: Run | null;
  /** Absent from an API older than SPEC §15. */
  punctuality?: Punctuality;
}

/** How late its latest 100 scheduled runs were sent (SPEC §15); figures null while none started. */
export interface Punctuality {
  runs: number;
  lateness_p50_ms: number | null;
  lateness_p99_ms: number | null;
  skipped: number;
}

export interface PageMeta {
  page: number;
  limit: number;
  total: number;
  total_pages: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

/**
 * The body of POST /api/tasks; PATCH takes any part of it plus `task_status: 'ready'` to re-arm.
 * A task has `task_schedule` or `run_at` (an RFC 3339 instant with its offset), never both; on PATCH
 * giving one clears the other, and null for both makes it chained (run after `depends_on`).
 */
export type TaskInput = TaskFields &
  (
    | { task_schedule: string }
    | { run_at: string }
    // Chained: null clears a schedule or an instant the task had (PATCH).
    | { depends_on: string[]; task_schedule: null; run_at: null }
  );

interface TaskFields {
  task_name: string;
  webhook_url: string;
  json_payload: unknown;
  max_retry: number;
  /** 1 (lowest) to 10 (highest), default 5. */
  priority: number;
  timezone: string;
  enabled: boolean;
  /** Ids of the tasks it runs after (SPEC §13); with neither task_schedule nor run_at, it is chained. */
  depends_on?: string[];
  starts_at?: string | null;
  ends_at?: string | null;
  paused_until?: string | null;
  deliver_within_ms?: number | null;
  catch_up?: CatchUp;
  jitter_ms?: number;
  http_method: HttpMethod;
  /** A masked value sent back unchanged keeps the stored one. */
  headers: Record<string, string>;
  timeout_ms: number | null;
  alert_url?: string | null;
}

/** The body of POST /api/webhooks/test: one request now, as a task with these fields would send it. */
export interface WebhookTestInput {
  webhook_url: string;
  json_payload: unknown;
  http_method: HttpMethod;
  headers: Record<string, string>;
  timeout_ms: number | null;
  /** Signs it with this task's secret; masked header values stand for its stored ones. */
  task_id?: string;
}

/** What a test request came back with: its status, time and the first 4 KiB of the answer, or why none came. */
export interface WebhookTestResult {
  http_status: number | null;
  execution_time: number;
  response: string | null;
  error: string | null;
}

export type TaskPatch = Partial<TaskFields> & {
  /** null for both (no new one): the task becomes chained. */
  task_schedule?: string | null;
  run_at?: string | null;
  task_status?: 'ready';
};

export const taskSortFields = ['created_at', 'task_name', 'next_run_at', 'lateness_p99_ms'] as const;
export type TaskSortField = (typeof taskSortFields)[number];
export type SortOrder = 'asc' | 'desc';

export interface TaskListQuery {
  page: number;
  limit: number;
  task_status?: TaskStatus;
  enabled?: boolean;
  search?: string;
  sort?: TaskSortField;
  order?: SortOrder;
}

export interface LogListQuery {
  page: number;
  limit: number;
  status?: AttemptStatus;
  task_id?: string;
  /** ISO instants. */
  from?: string;
  to?: string;
}

export interface RunListQuery {
  page: number;
  limit: number;
  /** One status, or several separated by commas. */
  status?: string;
  trigger?: RunTrigger;
  task_id?: string;
  /** ISO instants, on `scheduled_for`. */
  from?: string;
  to?: string;
}

export interface TaskRunsQuery {
  taskId: string;
  page: number;
  limit: number;
}

export interface TaskLogQuery {
  taskId: string;
  page: number;
  limit: number;
}

export interface DashboardStats {
  tasks: { total: number; ready: number; running: number; failed: number; enabled: number; disabled: number };
  executions_24h: { total: number; finish: number; failed: number; running: number };
  success_rate_24h: number | null;
  avg_execution_time_ms_24h: number | null;
  executions_per_hour: { hour: string; finish: number; failed: number }[];
  queue: { waiting: number; active: number; delayed: number; failed: number };
}

/**
 * Every API error has this body (SPEC §6). For VALIDATION_ERROR, INVALID_SCHEDULE and PAYLOAD_TOO_LARGE, `details` maps
 * each offending field to what was wrong with it (`{ "task_schedule": "Too large value '61'…" }`);
 * other codes put context there (`{ "task_id": … }`, `{ "redis": "unavailable" }`).
 */
export interface ApiErrorBody {
  error: { code: string; message: string; details: Record<string, unknown>; timestamp: string };
}

/** A destination (SPEC §12): an origin or a Discord webhook, its limits in force and its state. */
export interface Destination {
  key: string;
  max_concurrency: number;
  rate_limit_max: number | null;
  rate_limit_per_seconds: number | null;
  in_flight: number;
  held_until: string | null;
  held_reason: string | null;
  waiting: number;
  recent_429s: number;
}

/** `PUT /api/destinations/:key`: any of the limits; null clears one. */
export interface DestinationLimits {
  max_concurrency?: number | null;
  rate_limit_max?: number | null;
  rate_limit_per_seconds?: number | null;
}
