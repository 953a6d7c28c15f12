import { Link } from 'react-router';
import { useGetStatsQuery } from '../../app/api';
import { useAppDispatch } from '../../app/hooks';
import { ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { cardClass, linkClass } from '../../components/ui';
import { formatDuration, formatRate } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { failedRunStatuses, runsLink } from '../runs/run-filters';
import { useRefreshOptions } from '../settings/use-refresh';
import { failedTasksShown } from '../tasks/taskListViewSlice';
import { ExecutionsPerHourChart } from './ExecutionsPerHourChart';
import { RecentFailures } from './RecentFailures';
import { StatCard } from './StatCard';

export function OverviewPage() {
  const { data: stats, error, isLoading, refetch } = useGetStatsQuery(undefined, useRefreshOptions());
  const now = useNow();
  const dispatch = useAppDispatch();
  if (isLoading) return <LoadingState label="Loading the overview…" />;
  if (!stats)
    return <ErrorState error={error} title="Could not load the overview" onRetry={() => void refetch()} />;
  const { tasks, executions_24h: executions, queue } = stats;
  return (
    <>
      <PageHeader title="Overview" description="The last 24 hours at a glance." />
      {error && <ErrorState error={error} title="Refreshing failed; showing the last figures" />}
      <section aria-labelledby="tasks-stats-title">
        <h2 id="tasks-stats-title" className="sr-only">
          Tasks
        </h2>
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
          <StatCard
            label="Tasks"
            value={tasks.total}
            detail={`${tasks.enabled} enabled · ${tasks.disabled} paused`}
          />
          <StatCard label="Ready" value={tasks.ready} />
          <StatCard label="Running" value={tasks.running} />
          <StatCard
            label="Failed"
            value={tasks.failed}
            detail={
              tasks.failed > 0 ? (
                <Link to="/tasks" className={linkClass} onClick={() => dispatch(failedTasksShown())}>
                  Review failed tasks
                </Link>
              ) : (
                'Nothing to re-arm'
              )
            }
          />
        </dl>
      </section>
      <section aria-labelledby="executions-stats-title" className="mt-4">
        <h2 id="executions-stats-title" className="sr-only">
          Executions in the last 24 hours
        </h2>
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
          <StatCard
            label="Executions (24 h)"
            value={executions.total}
            detail={`${executions.finish} succeeded · ${executions.failed} failed · ${executions.running} running`}
          />
          <StatCard label="Runs delivered (24 h)" value={formatRate(stats.success_rate_24h)} />
          <StatCard label="Average time (24 h)" value={formatDuration(stats.avg_execution_time_ms_24h)} />
          <StatCard
            label="Queue"
            value={queue.waiting + queue.active + queue.delayed}
            detail={`${queue.waiting} waiting · ${queue.active} active · ${queue.delayed} delayed · ${queue.failed} failed`}
          />
        </dl>
      </section>
      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section className={`${cardClass} p-5`} aria-labelledby="per-hour-title">
          <h2 id="per-hour-title" className="mb-3 text-base font-semibold">
            Executions per hour
          </h2>
          <ExecutionsPerHourChart hours={stats.executions_per_hour} />
        </section>
        <section className={cardClass} aria-labelledby="failures-title">
          <div className="flex flex-wrap items-baseline justify-between gap-2 px-5 pt-4 pb-2">
            <h2 id="failures-title" className="text-base font-semibold">
              Latest failures
            </h2>
            <Link to={runsLink({ statuses: failedRunStatuses })} className={`${linkClass} text-sm`}>
              Failed runs
            </Link>
          </div>
          <RecentFailures now={now} />
        </section>
      </div>
    </>
  );
}
