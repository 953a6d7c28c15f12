/** Wire shapes of the REST API (SPEC §4 and §6): field names are the database column names. */

export const taskStatuses = ['ready', 'running', 'failed'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const attemptStatuses = ['running', 'finish', 'failed'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

export interface Task {
  id: string;
  task_name: string;
  task_schedule: string;
  webhook_url: string;
  json_payload: unknown;
  max_retry: number;
  task_status: TaskStatus;
  enabled: boolean;
  timezone: string;
  next_run_at: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
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
}

/** One row of `task_logs`: one delivery attempt of a task. */
export interface TaskLog {
  id: string;
  task_id: string;
  execution_time: number | null;
  status: AttemptStatus;
  retry_count: number;
  message: string | null;
  created_at: string;
  scheduled_for: string;
  http_status: number | null;
}

/** An attempt in a list of attempts (all tasks', or one task's): with its task's name. */
export interface TaskLogListItem extends TaskLog {
  task_name: string;
}

export interface TaskDetail extends Task {
  logs: TaskLog[];
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

/** The body of POST /api/tasks; PATCH takes any part of it plus `task_status: 'ready'` to re-arm. */
export interface TaskInput {
  task_name: string;
  task_schedule: string;
  webhook_url: string;
  json_payload: unknown;
  max_retry: number;
  timezone: string;
  enabled: boolean;
}

export type TaskPatch = Partial<TaskInput> & { task_status?: 'ready' };

export const taskSortFields = ['created_at', 'task_name', 'next_run_at'] as const;
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
