import type { DashboardStats } from '../../app/api-types';
import { BarChart, ChartLegend, type Bar } from '../../components/BarChart';
import { formatClock } from '../../lib/time';

/** 24 hourly buckets from the API, oldest first; `hour` is the instant the hour starts. */
export function ExecutionsPerHourChart({ hours }: { hours: DashboardStats['executions_per_hour'] }) {
  const bars: Bar[] = hours.map((bucket) => ({
    key: bucket.hour,
    // Every hour: the chart draws as many as fit (every few hours on a phone), the latest one always.
    axisLabel: formatClock(bucket.hour),
    title: `${formatClock(bucket.hour)}: ${bucket.finish} succeeded, ${bucket.failed} failed`,
    segments: [
      { value: bucket.finish, fillClass: 'fill-emerald-500' },
      { value: bucket.failed, fillClass: 'fill-rose-500' },
    ],
  }));
  const finished = hours.reduce((sum, bucket) => sum + bucket.finish, 0);
  const failed = hours.reduce((sum, bucket) => sum + bucket.failed, 0);
  return (
    <div className="space-y-2">
      <BarChart
        bars={bars}
        label={`Executions per hour over the last 24 hours: ${finished} succeeded, ${failed} failed.`}
        // Counts: a half-way gridline at 0.5 gets no label.
        formatValue={(value) => (Number.isInteger(value) ? String(value) : '')}
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
