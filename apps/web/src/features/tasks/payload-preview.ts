import { hasPlaceholders, renderPayload, type TemplatePlaceholder, templateValues } from '@scheduler/core';

/** What a run's id reads as before the run exists: it is given when the run is made. */
export const UNKNOWN_RUN_ID = '<run id>';
/** What a task's id reads as before the task is saved. */
export const UNKNOWN_TASK_ID = '<task id>';

export interface PreviewTask {
  id?: string | undefined;
  task_name: string;
  timezone: string;
}

/**
 * SPEC §14 placeholders as the first request of a scheduled run at `at` would render them:
 * the same rendering as the worker's, with the ids not yet known shown as such.
 */
export function previewValues(task: PreviewTask, at: Date): Record<TemplatePlaceholder, string> {
  return templateValues({
    scheduledFor: at,
    timezone: task.timezone,
    taskId: task.id ?? UNKNOWN_TASK_ID,
    taskName: task.task_name,
    runId: UNKNOWN_RUN_ID,
    attempt: 1,
    trigger: 'schedule',
  });
}

/** The payload as the run at `at` sends it; the payload itself when it has no placeholder. */
export function payloadAsSent<T>(payload: T, task: PreviewTask, at: Date): T {
  if (!hasPlaceholders(payload)) return payload;
  try {
    return renderPayload(payload, previewValues(task, at));
  } catch {
    // A timezone the browser does not know: shown as written.
    return payload;
  }
}
