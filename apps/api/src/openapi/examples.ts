/** One consistent example task and attempt, used across the OpenAPI document. */
export const exampleTaskId = '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f';
export const exampleAttemptId = 'b3e1d0c2-7a65-4f1e-9d8c-0a1b2c3d4e5f';
export const exampleRunId = '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a';

export const exampleTaskInput = {
  task_name: 'Daily report',
  task_schedule: '0 9 * * 1-5',
  webhook_url: 'https://discord.com/api/webhooks/1234567890/abcdef',
  json_payload: { content: 'The daily report is ready.' },
  max_retry: 3,
  priority: 5,
  timezone: 'Europe/Paris',
  enabled: true,
};

export const exampleTask = {
  id: exampleTaskId,
  ...exampleTaskInput,
  run_at: null,
  disabled_reason: null,
  task_status: 'ready',
  next_run_at: '2025-05-02T07:00:00.000Z',
  last_run_at: '2025-05-01T07:00:00.012Z',
  created_at: '2025-04-30T16:20:11.503Z',
  updated_at: '2025-05-01T07:00:00.012Z',
  starts_at: null,
  ends_at: '2025-12-31T23:00:00.000Z',
  paused_until: null,
  deliver_within_ms: 600000,
  catch_up: 'latest',
  jitter_ms: 0,
  http_method: 'POST',
  headers: { 'X-Team': 'reports' },
  timeout_ms: null,
  alert_url: null,
};

/** The example task's next 5 instants (weekdays at 09:00, Paris). */
export const exampleNextRuns = [
  '2025-05-02T07:00:00.000Z',
  '2025-05-05T07:00:00.000Z',
  '2025-05-06T07:00:00.000Z',
  '2025-05-07T07:00:00.000Z',
  '2025-05-08T07:00:00.000Z',
];

export const exampleAttempt = {
  id: exampleAttemptId,
  task_id: exampleTaskId,
  execution_time: 182,
  status: 'finish',
  retry_count: 0,
  message: 'HTTP 204',
  created_at: '2025-05-01T07:00:00.031Z',
  scheduled_for: '2025-05-01T07:00:00.000Z',
  http_status: 204,
  run_id: exampleRunId,
  response_id: null,
};

export const exampleRun = {
  id: exampleRunId,
  task_id: exampleTaskId,
  scheduled_for: '2025-05-01T07:00:00.000Z',
  trigger: 'schedule',
  status: 'finish',
  attempt_count: 1,
  retry_of: null,
  payload_override: null,
  message: 'delivered: HTTP 204',
  http_status: 204,
  created_at: '2025-05-01T07:00:00.004Z',
  started_at: '2025-05-01T07:00:00.031Z',
  finished_at: '2025-05-01T07:00:00.213Z',
  deliver_by: '2025-05-01T07:10:00.000Z',
  due_at: null,
  prior_task_status: 'ready',
};

export const exampleRunListItem = { ...exampleRun, task_name: exampleTaskInput.task_name };

/** A retry with an edited payload, just queued. */
export const exampleRetryRun = {
  ...exampleRunListItem,
  id: '5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716',
  scheduled_for: '2025-05-01T09:12:44.120Z',
  trigger: 'retry',
  status: 'queued',
  attempt_count: 0,
  retry_of: exampleRunId,
  payload_override: { content: 'The daily report is ready (sent again).' },
  message: null,
  http_status: null,
  created_at: '2025-05-01T09:12:44.121Z',
  started_at: null,
  finished_at: null,
};

export const exampleAttemptListItem = { ...exampleAttempt, task_name: exampleTask.task_name };

export const exampleLastAttempt = {
  status: exampleAttempt.status,
  http_status: exampleAttempt.http_status,
  execution_time: exampleAttempt.execution_time,
  created_at: exampleAttempt.created_at,
};

export const exampleMeta = { page: 1, limit: 20, total: 1, total_pages: 1 };
