import { upcomingRun, waitingFor } from '@scheduler/core';
import type { AttemptRow, TaskRow } from '@scheduler/db';

const iso = (date: Date | null) => (date ? date.toISOString() : '-');

/** When the task really runs next: a paused or failed task only once a user acts (its next_run_at does not say). */
function nextRun(task: TaskRow): string {
  const upcoming = upcomingRun(task);
  switch (upcoming.kind) {
    case 'due':
      return iso(upcoming.at);
    case 'never':
      return '-';
    case 'waiting':
      return `not until ${waitingFor(upcoming.until)}`;
  }
}

export function formatTask(task: TaskRow, attempts?: AttemptRow[]): string {
  const lines = [
    `id:          ${task.id}`,
    `name:        ${task.task_name}`,
    `schedule:    ${task.task_schedule} (${task.timezone})`,
    `webhook:     ${task.webhook_url}`,
    `payload:     ${JSON.stringify(task.json_payload)}`,
    `max retry:   ${task.max_retry}`,
    `status:      ${task.task_status}${task.enabled ? '' : ' (paused)'}`,
    `next run:    ${nextRun(task)}`,
    `last run:    ${iso(task.last_run_at)}`,
  ];
  if (attempts) {
    lines.push(`attempts:    ${attempts.length === 0 ? 'none yet' : ''}`);
    for (const a of attempts) {
      lines.push(
        `  ${a.created_at.toISOString()}  ${a.status.padEnd(7)} try ${a.retry_count}  ` +
          `${a.http_status ?? '---'}  ${a.execution_time ?? '-'} ms  ${(a.message ?? '').slice(0, 80)}`,
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
    t.task_name,
    t.task_schedule,
    t.timezone,
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
    `page ${meta.page}/${meta.total_pages} · ${meta.total} tasks`,
  ].join('\n');
}
