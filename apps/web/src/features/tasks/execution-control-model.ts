import {
  type CatchUp,
  MAX_JITTER_MS,
  nextDueInstant,
  type TaskTiming,
  upcomingDueInstants,
} from '@scheduler/core';
import type { Task, TaskInput } from '../../app/api-types';
import { resolveLocalTime, toLocalTimeInput, toRfc3339InZone } from '../../lib/zoned-time';

/** SPEC §13 in the form: instants as `datetime-local` values read in the task's zone; numbers as text. */
export interface ExecutionControlValues {
  starts_at: string;
  ends_at: string;
  paused_until: string;
  deliver_within_ms: string;
  catch_up: CatchUp;
  jitter_ms: string;
}

export type ExecutionControlField = keyof ExecutionControlValues;
export type ExecutionControlErrors = Partial<Record<ExecutionControlField, string>>;

export const minDeliverWithinMs = 1000;

export function emptyExecutionControl(): ExecutionControlValues {
  return {
    starts_at: '',
    ends_at: '',
    paused_until: '',
    deliver_within_ms: '',
    catch_up: 'latest',
    jitter_ms: '0',
  };
}

export function executionControlFromTask(task: Task): ExecutionControlValues {
  const local = (instant: string | null) => (instant ? toLocalTimeInput(instant, task.timezone) : '');
  return {
    starts_at: local(task.starts_at),
    ends_at: local(task.ends_at),
    paused_until: local(task.paused_until),
    deliver_within_ms: task.deliver_within_ms === null ? '' : String(task.deliver_within_ms),
    catch_up: task.catch_up,
    jitter_ms: String(task.jitter_ms),
  };
}

/** An instant field: empty is none (null); otherwise the instant the local time names, or why it names none. */
function instantOf(local: string, timezone: string): { instant: Date | null } | { problem: string } {
  if (local.trim() === '') return { instant: null };
  const resolved = resolveLocalTime(local, timezone);
  return resolved.kind === 'invalid' ? { problem: resolved.message } : { instant: resolved.instant };
}

function wholeNumberProblem(text: string, min: number, max: number): string | undefined {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `Expected a whole number of milliseconds from ${min} to ${max}.`;
}

/** What the browser can check alone; the API checks the same (and an ends_at in the past on create). */
export function validateExecutionControl(
  values: ExecutionControlValues,
  timezone: string,
): ExecutionControlErrors {
  const errors: ExecutionControlErrors = {};
  for (const field of ['starts_at', 'ends_at', 'paused_until'] as const) {
    const parsed = instantOf(values[field], timezone);
    if ('problem' in parsed) errors[field] = parsed.problem;
  }
  const starts = instantOf(values.starts_at, timezone);
  const ends = instantOf(values.ends_at, timezone);
  if (
    'instant' in starts &&
    'instant' in ends &&
    starts.instant &&
    ends.instant &&
    starts.instant >= ends.instant
  ) {
    errors.ends_at = 'Expected an end after the start.';
  }
  if (values.deliver_within_ms.trim() !== '') {
    const problem = wholeNumberProblem(values.deliver_within_ms, minDeliverWithinMs, 2_147_483_647);
    if (problem) errors.deliver_within_ms = problem;
  }
  const jitter = wholeNumberProblem(values.jitter_ms, 0, MAX_JITTER_MS);
  if (jitter) errors.jitter_ms = jitter;
  return errors;
}

const instantInput = (local: string, timezone: string) => {
  const parsed = instantOf(local, timezone);
  return 'instant' in parsed && parsed.instant ? toRfc3339InZone(parsed.instant, timezone) : null;
};

/** The API's fields; an emptied field is sent as null, which clears it. */
export function toExecutionControlInput(
  values: ExecutionControlValues,
  timezone: string,
): Pick<
  TaskInput,
  'starts_at' | 'ends_at' | 'paused_until' | 'deliver_within_ms' | 'catch_up' | 'jitter_ms'
> {
  return {
    starts_at: instantInput(values.starts_at, timezone),
    ends_at: instantInput(values.ends_at, timezone),
    paused_until: instantInput(values.paused_until, timezone),
    deliver_within_ms: values.deliver_within_ms.trim() === '' ? null : Number(values.deliver_within_ms),
    catch_up: values.catch_up,
    jitter_ms: Number(values.jitter_ms),
  };
}

/**
 * The next `count` instants a schedule comes due with these settings, by core's maths (the
 * publisher's). Jitter needs the task's id: a new task's is not known yet, so its instants
 * are shown without it.
 */
export function previewDueInstants(
  schedule: string,
  timezone: string,
  values: ExecutionControlValues,
  now: Date,
  taskId?: string,
  count = 5,
): Date[] {
  if (Object.keys(validateExecutionControl(values, timezone)).length > 0) return [];
  const input = toExecutionControlInput(values, timezone);
  const instant = (text: string | null | undefined) => (text ? new Date(text) : null);
  const timing: TaskTiming = {
    task_schedule: schedule,
    run_at: null,
    timezone,
    id: taskId,
    starts_at: instant(input.starts_at),
    ends_at: instant(input.ends_at),
    paused_until: instant(input.paused_until),
    catch_up: input.catch_up,
    jitter_ms: input.jitter_ms,
  };
  return upcomingDueInstants({ ...timing, next_run_at: nextDueInstant(timing, now) }, count);
}
