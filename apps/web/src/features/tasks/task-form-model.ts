import {
  BODYLESS_METHODS,
  type HttpMethod,
  MIN_TIMEOUT_MS,
  payloadContentProblem,
  templateProblems,
} from '@scheduler/core';
import type { Task, TaskDetail, TaskInput, WebhookTestInput } from '../../app/api-types';
import { resolveLocalTime, toLocalTimeInput, toRfc3339InZone } from '../../lib/zoned-time';
import {
  emptyExecutionControl,
  executionControlFromTask,
  type ExecutionControlValues,
  toExecutionControlInput,
  validateExecutionControl,
} from './execution-control-model';

/**
 * A task fires on a cron schedule, once at one instant (`run_at`, SPEC §11), or after the
 * tasks it depends on have finished (chained, SPEC §13).
 */
export type TaskTiming = 'schedule' | 'once' | 'chain';

/** The form edits strings; `toTaskInput` turns them into the API body once they validate. */
export interface TaskFormValues {
  task_name: string;
  timing: TaskTiming;
  task_schedule: string;
  /** "Once at": an `<input type="datetime-local">` value, read in `timezone`. */
  run_at: string;
  /** "After other tasks": the ids of the tasks it runs after. */
  depends_on: string[];
  timezone: string;
  webhook_url: string;
  json_payload: string;
  max_retry: string;
  /** 1 (lowest) to 10 (highest): where runs wait, higher goes first (SPEC §12). */
  priority: string;
  enabled: boolean;
  /** Execution control (SPEC §13), its own fieldset. */
  control: ExecutionControlValues;
  http_method: HttpMethod;
  /** One header per line, `Name: value`; sensitive values as the API showed them (masked). */
  headers: string;
  /** Milliseconds; empty: the worker's WEBHOOK_TIMEOUT_MS. */
  timeout_ms: string;
  /** Where the task's alerts go (SPEC §14); empty: none of its own. */
  alert_url: string;
}

export type TaskFormField = keyof TaskFormValues;
export type TaskFormErrors = Partial<Record<TaskFormField, string>>;

export const maxRetryLimit = 10;
export const maxPayloadBytes = 64 * 1024;

export function emptyTaskForm(timezone: string): TaskFormValues {
  return {
    task_name: '',
    timing: 'schedule',
    task_schedule: '*/5 * * * *',
    run_at: '',
    depends_on: [],
    timezone,
    webhook_url: '',
    json_payload: '{\n  "content": "Hello from Task Scheduler"\n}',
    max_retry: '3',
    priority: '5',
    enabled: true,
    control: emptyExecutionControl(),
    http_method: 'POST',
    headers: '',
    timeout_ms: '',
    alert_url: '',
  };
}

export function taskFormFromTask(task: Task | TaskDetail): TaskFormValues {
  return {
    task_name: task.task_name,
    timing: timingOf(task),
    depends_on: 'depends_on' in task ? [...task.depends_on] : [],
    task_schedule: task.task_schedule ?? '',
    run_at: task.run_at ? toLocalTimeInput(task.run_at, task.timezone) : '',
    timezone: task.timezone,
    webhook_url: task.webhook_url,
    json_payload: JSON.stringify(task.json_payload, null, 2),
    max_retry: String(task.max_retry),
    priority: String(task.priority),
    enabled: task.enabled,
    control: executionControlFromTask(task),
    http_method: task.http_method,
    headers: Object.entries(task.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    timeout_ms: task.timeout_ms === null ? '' : String(task.timeout_ms),
    alert_url: task.alert_url ?? '',
  };
}

/** Whether the method sends no body (GET, DELETE): the payload is then optional and must be empty. */
export function isBodyless(method: HttpMethod): boolean {
  return BODYLESS_METHODS.includes(method);
}

/** The header lines as an object; a line without a colon is a problem. */
export function parseHeaderLines(text: string): { headers: Record<string, string> } | { problem: string } {
  const headers: Record<string, string> = {};
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { problem: `Expected "Name: value" on each line, got "${line.slice(0, 40)}".` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (Object.keys(headers).length > 20) return { problem: 'Expected at most 20 headers.' };
  return { headers };
}

function timeoutProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= MIN_TIMEOUT_MS
    ? undefined
    : `Expected a whole number of milliseconds from ${MIN_TIMEOUT_MS}, or nothing for the default.`;
}

/** Why the payload text is not an acceptable payload, or undefined when it is. */
export function payloadProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Expected a JSON object or array, got nothing.';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (value === null || typeof value !== 'object') {
    return `Expected a JSON object or array, got ${value === null ? 'null' : typeof value}.`;
  }
  // The API's own checks of what is inside (depth, text, numbers), so the form refuses what it refuses.
  const content = payloadContentProblem(value);
  if (content) return `${content.charAt(0).toUpperCase()}${content.slice(1)}.`;
  const size = new TextEncoder().encode(JSON.stringify(value)).length;
  if (size > maxPayloadBytes) return `The payload is ${size} bytes: expected at most 64 KiB.`;
  // SPEC §14 placeholders, as the API checks them.
  const placeholder = templateProblems(value)[0];
  if (placeholder) return `${placeholder.path}: ${placeholder.message}.`;
  return undefined;
}

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'Expected an http(s) URL such as https://discord.com/api/webhooks/…';
  }
  return url.protocol === 'http:' || url.protocol === 'https:'
    ? undefined
    : `${url.protocol} URLs are not supported: expected http or https.`;
}

function priorityProblem(text: string): string | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= 1 && value <= 10
    ? undefined
    : 'Expected a whole number from 1 (lowest) to 10 (highest).';
}

function retryProblem(text: string): string | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= 0 && value <= maxRetryLimit
    ? undefined
    : `Expected a whole number from 0 to ${maxRetryLimit}.`;
}

/**
 * Checks everything the browser can check alone. The schedule's own error comes from the
 * schedule preview (the publisher's parser); `scheduleError` passes it in.
 */
export function validateTaskForm(values: TaskFormValues, scheduleError?: string): TaskFormErrors {
  const errors: TaskFormErrors = {};
  const name = values.task_name.trim();
  if (name === '') errors.task_name = 'Expected a name.';
  else if (name.length > 200) errors.task_name = 'Expected a name of at most 200 characters.';
  if (values.timing === 'once') {
    const runAt = resolveLocalTime(values.run_at, values.timezone);
    if (runAt.kind === 'invalid') errors.run_at = runAt.message;
  } else if (values.timing === 'chain') {
    if (values.depends_on.length === 0) errors.depends_on = 'Expected at least one task for it to run after.';
  } else if (values.task_schedule.trim() === '')
    errors.task_schedule = 'Expected a cron expression such as */5 * * * *.';
  else if (scheduleError) errors.task_schedule = scheduleError;
  const url = urlProblem(values.webhook_url);
  if (url) errors.webhook_url = url;
  const payload = payloadProblemFor(values.http_method, values.json_payload);
  if (payload) errors.json_payload = payload;
  const headers = parseHeaderLines(values.headers);
  if ('problem' in headers) errors.headers = headers.problem;
  if (values.alert_url.trim() !== '') {
    const alertUrl = urlProblem(values.alert_url);
    if (alertUrl) errors.alert_url = alertUrl;
  }
  const timeout = timeoutProblem(values.timeout_ms);
  if (timeout) errors.timeout_ms = timeout;
  const retry = retryProblem(values.max_retry);
  if (retry) errors.max_retry = retry;
  const control = Object.values(validateExecutionControl(values.control, values.timezone));
  if (control.length > 0) errors.control = control.join(' ');
  const priority = priorityProblem(values.priority);
  if (priority) errors.priority = priority;
  return errors;
}

/** The payload's problem for the method: GET and DELETE take none, or an empty one; others a JSON object or array. */
export function payloadProblemFor(method: HttpMethod, text: string): string | undefined {
  if (!isBodyless(method)) return payloadProblem(text);
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '{}' || trimmed === '[]') return undefined;
  return `${method} sends no body: leave the payload empty, or {}.`;
}

/** The instant "Once at" names, as RFC 3339 with the zone's offset then; undefined while it names none. */
export function runAtInstant(values: Pick<TaskFormValues, 'run_at' | 'timezone'>): string | undefined {
  const resolved = resolveLocalTime(values.run_at, values.timezone);
  return resolved.kind === 'invalid' ? undefined : toRfc3339InZone(resolved.instant, values.timezone);
}

/**
 * The API body: `task_schedule` or `run_at`, never both (the API clears the other on PATCH); a
 * chained task clears both, so an edit from a schedule or an instant to "after dependencies" applies.
 */
export function toTaskInput(values: TaskFormValues): TaskInput {
  const timing =
    values.timing === 'once'
      ? { run_at: runAtInstant(values) ?? values.run_at }
      : values.timing === 'chain'
        ? { depends_on: values.depends_on, task_schedule: null, run_at: null }
        : { task_schedule: values.task_schedule.trim() };
  return {
    task_name: values.task_name.trim(),
    ...timing,
    timezone: values.timezone,
    webhook_url: values.webhook_url.trim(),
    json_payload:
      isBodyless(values.http_method) && values.json_payload.trim() === ''
        ? {}
        : (JSON.parse(values.json_payload) as unknown),
    max_retry: Number(values.max_retry),
    priority: Number(values.priority),
    enabled: values.enabled,
    ...toExecutionControlInput(values.control, values.timezone),
    http_method: values.http_method,
    headers: (() => {
      const parsed = parseHeaderLines(values.headers);
      return 'headers' in parsed ? parsed.headers : {};
    })(),
    timeout_ms: values.timeout_ms.trim() === '' ? null : Number(values.timeout_ms),
    alert_url: values.alert_url.trim() === '' ? null : values.alert_url.trim(),
  };
}

/**
 * The form's request for "Send test", or undefined while it cannot be sent (no URL, a payload
 * or headers that do not parse). The API checks the rest, as it does when the task is saved.
 */
export function toWebhookTestInput(values: TaskFormValues, taskId?: string): WebhookTestInput | undefined {
  const url = values.webhook_url.trim();
  if (url === '' || payloadProblemFor(values.http_method, values.json_payload)) return undefined;
  const headers = parseHeaderLines(values.headers);
  if (!('headers' in headers)) return undefined;
  const timeout = values.timeout_ms.trim();
  return {
    webhook_url: url,
    json_payload:
      isBodyless(values.http_method) && values.json_payload.trim() === ''
        ? {}
        : (JSON.parse(values.json_payload) as unknown),
    http_method: values.http_method,
    headers: headers.headers,
    timeout_ms: timeout === '' || !Number.isFinite(Number(timeout)) ? null : Number(timeout),
    ...(taskId ? { task_id: taskId } : {}),
  };
}

/** How a stored task runs: once at run_at, on its schedule, or chained (neither: after its dependencies). */
function timingOf(task: Pick<Task, 'task_schedule' | 'run_at'>): TaskTiming {
  if (task.task_schedule !== null) return 'schedule';
  return task.run_at !== null ? 'once' : 'chain';
}
