import type { DashboardStats } from '../../app/api-types';
import { BarChart, ChartLegend, type Bar } from '../../components/BarChart';
import { formatClock, localTimeZone } from '../../lib/time';

/** An hour bucket's label: the API sends the hour's start as an instant (or, failing that, a label). */
function hourLabel(hour: string): string {
  return formatClock(hour, localTimeZone()) || hour;
}

export function ExecutionsPerHourChart({ hours }: { hours: DashboardStats['executions_per_hour'] }) {
  const bars: Bar[] = hours.map((bucket, index) => ({
    key: `${bucket.hour}-${index}`,
    axisLabel: index % 6 === 0 ? hourLabel(bucket.hour) : '',
    title: `${hourLabel(bucket.hour)}: ${bucket.finish} succeeded, ${bucket.failed} failed`,
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
        formatValue={(value) => String(Math.round(value))}
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
