import { Link } from 'react-router';
import { useListLogsQuery } from '../../app/api';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { linkClass } from '../../components/ui';
import { formatAgo } from '../../lib/time';
import { useRefreshOptions } from '../settings/use-refresh';

/** The latest failed attempts with what the webhook (or the network) said. */
export function RecentFailures({ now }: { now: Date }) {
  const { data, error, isLoading, refetch } = useListLogsQuery(
    { page: 1, limit: 5, status: 'failed' },
    useRefreshOptions(),
  );
  if (isLoading) return <LoadingState label="Loading failures…" />;
  if (!data)
    return <ErrorState error={error} title="Could not load the failures" onRetry={() => void refetch()} />;
  if (data.data.length === 0) return <EmptyState title="No failed attempt. All good." />;
  return (
    <ul className="divide-y divide-slate-100 dark:divide-slate-800">
      {data.data.map((log) => (
        <li key={log.id} className="px-5 py-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <Link to={`/tasks/${log.task_id}`} className={linkClass}>
              {log.task_name}
            </Link>
            <span className="text-xs text-slate-500 dark:text-slate-400">
              {log.http_status === null ? 'No response' : `HTTP ${log.http_status}`} ·{' '}
              {log.retry_count === 0 ? 'first attempt' : `retry ${log.retry_count}`} ·{' '}
              <Link
                to={`/runs/${log.run_id}`}
                className={linkClass}
                aria-label="Open its run"
                title="Open its run"
              >
                <time dateTime={log.created_at}>{formatAgo(log.created_at, now)}</time>
              </Link>
            </span>
          </div>
          <p className="mt-1 line-clamp-2 text-sm break-words text-slate-600 dark:text-slate-300">
            {log.message ?? 'No message recorded.'}
          </p>
        </li>
      ))}
    </ul>
  );
}
