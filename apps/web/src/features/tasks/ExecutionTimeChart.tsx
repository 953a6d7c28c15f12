import type { AttemptStatus, TaskLog } from '../../app/api-types';
import { BarChart, ChartLegend, type Bar } from '../../components/BarChart';
import { EmptyState } from '../../components/Feedback';
import { formatClock, formatDuration, formatInstant } from '../../lib/time';

const fill: Record<AttemptStatus, string> = {
  finish: 'fill-emerald-500',
  failed: 'fill-rose-500',
  running: 'fill-sky-400',
  cancelled: 'fill-slate-400',
};

const statusWord: Record<AttemptStatus, string> = {
  finish: 'succeeded',
  failed: 'failed',
  running: 'running',
  cancelled: 'cancelled',
};

/** Execution time of the task's recent finished attempts, oldest on the left. */
export function ExecutionTimeChart({ logs }: { logs: TaskLog[] }) {
  const timed = logs
    .filter((log): log is TaskLog & { execution_time: number } => log.execution_time !== null)
    .slice(0, 30)
    .reverse();
  if (timed.length === 0) return <EmptyState title="No finished attempt yet." />;
  const bars: Bar[] = timed.map((log, index) => ({
    key: log.id,
    axisLabel: index === 0 || index === timed.length - 1 ? formatClock(log.created_at) : '',
    title: `${formatInstant(log.created_at)}: ${statusWord[log.status]} in ${formatDuration(log.execution_time)}${
      log.http_status === null ? '' : ` (HTTP ${log.http_status})`
    }`,
    segments: [{ value: log.execution_time, fillClass: fill[log.status] }],
  }));
  const average = timed.reduce((sum, log) => sum + log.execution_time, 0) / timed.length;
  return (
    <div className="space-y-2 p-4">
      <BarChart
        bars={bars}
        label={`Execution time of the last ${timed.length} attempts, averaging ${formatDuration(average)}.`}
        formatValue={(ms) => formatDuration(ms)}
      />
      <ChartLegend
        items={[
          { label: 'Succeeded', swatchClass: 'bg-emerald-500' },
          { label: 'Failed', swatchClass: 'bg-rose-500' },
        ]}
      />
    </div>
  );
}
