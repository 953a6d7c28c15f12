import type { DashboardStats, Page, TaskDetail, TaskListItem, TaskLogListItem } from '../app/api-types';

export function taskItem(overrides: Partial<TaskListItem> = {}): TaskListItem {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    task_name: 'Morning digest',
    task_schedule: '0 9 * * *',
    run_at: null,
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: { content: 'hello' },
    max_retry: 3,
    priority: 5,
    task_status: 'ready',
    enabled: true,
    disabled_reason: null,
    timezone: 'UTC',
    next_run_at: '2025-03-07T09:00:00.000Z',
    last_run_at: null,
    created_at: '2025-03-01T08:00:00.000Z',
    updated_at: '2025-03-01T08:00:00.000Z',
    starts_at: null,
    ends_at: null,
    paused_until: null,
    deliver_within_ms: null,
    catch_up: 'latest',
    jitter_ms: 0,
    http_method: 'POST',
    headers: {},
    timeout_ms: null,
    alert_url: null,
    last_attempt: null,
    lateness_p99_ms: null,
    ...overrides,
  };
}

export function taskLog(overrides: Partial<TaskLogListItem> = {}): TaskLogListItem {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    task_id: '11111111-1111-4111-8111-111111111111',
    run_id: '44444444-4444-4444-8444-444444444444',
    task_name: 'Morning digest',
    execution_time: 120,
    status: 'finish',
    retry_count: 0,
    message: 'ok',
    created_at: '2025-03-06T11:00:00.000Z',
    scheduled_for: '2025-03-06T11:00:00.000Z',
    http_status: 200,
    response_id: null,
    ...overrides,
  };
}

export function taskDetail(overrides: Partial<TaskDetail> = {}): TaskDetail {
  const { last_attempt: _last, lateness_p99_ms: _lateness, ...task } = taskItem();
  return {
    ...task,
    logs: [],
    next_runs: [],
    depends_on: [],
    dependencies: [],
    dependents: [],
    current_run: null,
    last_run: null,
    punctuality: { runs: 0, lateness_p50_ms: null, lateness_p99_ms: null, skipped: 0 },
    ...overrides,
  };
}

export function page<T>(data: T[], meta: Partial<Page<T>['meta']> = {}): Page<T> {
  return {
    data,
    meta: { page: 1, limit: 20, total: data.length, total_pages: data.length ? 1 : 0, ...meta },
  };
}

export function stats(overrides: Partial<DashboardStats> = {}): DashboardStats {
  return {
    tasks: { total: 4, ready: 2, running: 1, failed: 1, enabled: 3, disabled: 1 },
    executions_24h: { total: 50, finish: 45, failed: 5, running: 0 },
    success_rate_24h: 0.9,
    avg_execution_time_ms_24h: 231.4,
    executions_per_hour: Array.from({ length: 24 }, (_, index) => ({
      hour: new Date(Date.UTC(2025, 2, 5, 13 + index)).toISOString(),
      finish: index % 3,
      failed: index % 5 === 0 ? 1 : 0,
    })),
    queue: { waiting: 1, active: 2, delayed: 3, failed: 0 },
    ...overrides,
  };
}
