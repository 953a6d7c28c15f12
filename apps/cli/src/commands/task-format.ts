import { maskedHeaders, upcomingRun, waitingFor } from '@scheduler/core';
import { terminalSafe as safe } from '@scheduler/config';
import type { AttemptRow, RunRow, TaskRow } from '@scheduler/db';

const iso = (date: Date | null) => (date ? date.toISOString() : '-');

/** When the task really runs next: a paused or failed task only once a user acts (its next_run_at does not say). */
function nextRun(task: TaskRow): string {
  const upcoming = upcomingRun(task);
  switch (upcoming.kind) {
    case 'due':
      return iso(upcoming.at);
    case 'never':
      return '-';
    case 'after-dependencies':
      return 'after its dependencies';
    case 'waiting':
      return `not until ${waitingFor(upcoming.until)}`;
  }
}

/** How a task comes due: its schedule, its one instant, or after its dependencies (chained). */
export function timingOf(task: Pick<TaskRow, 'task_schedule' | 'run_at'>): string {
  if (task.task_schedule !== null) return safe(task.task_schedule);
  return task.run_at ? `once at ${task.run_at.toISOString()}` : 'after its dependencies';
}

/** One run on one line: when it was due, why it exists, how it stands. */
export function formatRunLine(run: RunRow): string {
  return (
    `${run.id}  ${run.scheduled_for.toISOString()}  ${run.trigger.padEnd(8)} ${run.status.padEnd(9)} ` +
    `${run.attempt_count} attempt${run.attempt_count === 1 ? ' ' : 's'}  ${run.http_status ?? '---'}  ${safe((run.message ?? '').slice(0, 80))}`
  );
}

/**
 * A task as a person reads it on a terminal. Every value a user or a webhook
 * wrote (name, schedule, URL, payload, a webhook's answer) goes through `safe`:
 * a control character is shown as its escape, never acted on.
 */
export function formatTask(
  task: TaskRow,
  attempts?: AttemptRow[],
  runs?: { current_run: RunRow | null; last_run: RunRow | null },
): string {
  const lines = [
    `id:          ${task.id}`,
    `name:        ${safe(task.task_name)}`,
    `schedule:    ${timingOf(task)} (${safe(task.timezone)})`,
    `webhook:     ${safe(task.webhook_url)}`,
    `payload:     ${safe(JSON.stringify(task.json_payload))}`,
    `request:     ${task.http_method}, timeout ${task.timeout_ms === null ? 'WEBHOOK_TIMEOUT_MS' : `${task.timeout_ms} ms`}`,
    // Sensitive values masked, as in every answer (SPEC §14).
    `headers:     ${safe(JSON.stringify(maskedHeaders(task.headers as Record<string, string>)))}`,
    `max retry:   ${task.max_retry}`,
    `priority:    ${task.priority}`,
    `status:      ${task.task_status}${task.enabled ? '' : task.disabled_reason === null ? ' (paused)' : ` (disabled: ${safe(task.disabled_reason)})`}`,
    `alerts to:   ${task.alert_url === null ? 'ALERT_WEBHOOK_URL only' : safe(task.alert_url)}`,
    `next run:    ${nextRun(task)}`,
    `last fired:  ${iso(task.last_run_at)}`,
  ];
  if (runs) {
    lines.push(`current run: ${runs.current_run ? formatRunLine(runs.current_run) : 'none'}`);
    lines.push(`last ended:  ${runs.last_run ? formatRunLine(runs.last_run) : 'none yet'}`);
  }
  if (attempts) {
    lines.push(`attempts:    ${attempts.length === 0 ? 'none yet' : ''}`);
    for (const a of attempts) {
      lines.push(
        `  ${a.created_at.toISOString()}  ${a.status.padEnd(7)} try ${a.retry_count}  ` +
          `${a.http_status ?? '---'}  ${a.execution_time ?? '-'} ms  ${safe((a.message ?? '').slice(0, 80))}`,
      );
    }
  }
  return lines.join('\n');
}

export function formatTaskTable(
  rows: TaskRow[],
  meta: { page: number; limit: number; total: number; total_pages: number },
): string {
  if (rows.length === 0) return meta.total === 0 ? 'no tasks' : `no tasks on page ${meta.page}`;
  const table = rows.map((t) => [
    t.id,
    safe(t.task_name),
    timingOf(t),
    safe(t.timezone),
    t.task_status,
    t.enabled ? 'yes' : 'no',
    nextRun(t),
  ]);
  const header = ['ID', 'NAME', 'SCHEDULE', 'TIMEZONE', 'STATUS', 'ENABLED', 'NEXT RUN'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    ...table.map(line),
    `page ${meta.page}/${meta.total_pages} · ${meta.total} ${meta.total === 1 ? 'task' : 'tasks'}`,
  ].join('\n');
}
