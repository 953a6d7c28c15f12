import type { AttemptSummary, StatsRepository, TaskCounts } from '@scheduler/db';
import type { DeliveryQueue } from '@scheduler/queue';

export interface DashboardStats {
  tasks: TaskCounts;
  executions_24h: Omit<AttemptSummary, 'avg_execution_time'>;
  /** Share of the attempts that ended in the last 24 h which succeeded, 0..1; null when none ended. */
  success_rate_24h: number | null;
  avg_execution_time_ms_24h: number | null;
  /** 24 hourly buckets, oldest first; `hour` is the bucket's start (ISO-8601). */
  executions_per_hour: { hour: string; finish: number; failed: number }[];
  queue: { waiting: number; active: number; delayed: number; failed: number };
}

export interface DashboardServiceDeps {
  stats: StatsRepository;
  queue: DeliveryQueue;
  /** The clock; injected so tests can pin it. */
  now?: () => Date;
}

const HOUR_MS = 3_600_000;
const HOURS = 24;

/** The overview: task counts, the last 24 hours of attempts, and the queue's depth. */
export class DashboardService {
  private readonly now: () => Date;

  constructor(private readonly deps: DashboardServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async stats(): Promise<DashboardStats> {
    const now = this.now();
    // The current hour is the last bucket, so the chart ends at "now".
    const firstHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (HOURS - 1) * HOUR_MS);
    const since = new Date(now.getTime() - HOURS * HOUR_MS);
    const [tasks, summary, runs, hourly, queue] = await Promise.all([
      this.deps.stats.taskCounts(),
      this.deps.stats.attemptSummary(since),
      this.deps.stats.runOutcomes(since),
      this.deps.stats.attemptsPerHour(firstHour, HOURS),
      // Runs carry their task's priority (SPEC §12): BullMQ keeps those apart as `prioritized`.
      this.deps.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
    ]);
    const { avg_execution_time, ...executions } = summary;
    const ended = runs.finish + runs.unsuccessful;
    return {
      tasks,
      executions_24h: executions,
      success_rate_24h: ended === 0 ? null : round(runs.finish / ended, 4),
      avg_execution_time_ms_24h: avg_execution_time === null ? null : round(avg_execution_time, 1),
      executions_per_hour: hourly.map((bucket) => ({
        hour: bucket.hour.toISOString(),
        finish: bucket.finish,
        failed: bucket.failed,
      })),
      queue: {
        waiting: (queue.waiting ?? 0) + (queue.prioritized ?? 0),
        active: queue.active ?? 0,
        delayed: queue.delayed ?? 0,
        failed: queue.failed ?? 0,
      },
    };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
