import { Link } from 'react-router';
import type { TaskLogListItem } from '../../app/api-types';
import { AttemptStatusBadge } from '../../components/StatusBadge';
import { linkClass, tableClass, tdClass, thClass } from '../../components/ui';
import { formatDuration, formatInstant, formatAgo } from '../../lib/time';

function AttemptMessage({ message }: { message: string | null }) {
  if (!message) return <span className="text-slate-400">—</span>;
  if (message.length <= 120) return <span className="break-words">{message}</span>;
  return (
    <details>
      <summary className="cursor-pointer break-words">{message.slice(0, 120)}…</summary>
      <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap dark:bg-slate-800">
        {message}
      </pre>
    </details>
  );
}

interface AttemptsTableProps {
  logs: TaskLogListItem[];
  now: Date;
  /** Adds a column linking each attempt to its task (the all-logs page). */
  showTask?: boolean;
  caption: string;
}

/** Attempts, newest first: status, retry number, HTTP status, execution time, message. */
export function AttemptsTable({ logs, now, showTask, caption }: AttemptsTableProps) {
  return (
    // relative: the sr-only labels inside (absolutely positioned) scroll with the table instead of
    // widening the page on a narrow screen.
    <div className="relative overflow-x-auto">
      <table className={tableClass}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className={thClass}>
              When
            </th>
            {showTask && (
              <th scope="col" className={thClass}>
                Task
              </th>
            )}
            <th scope="col" className={thClass}>
              Status
            </th>
            <th scope="col" className={thClass}>
              Attempt
            </th>
            <th scope="col" className={thClass}>
              HTTP
            </th>
            <th scope="col" className={thClass}>
              Time
            </th>
            <th scope="col" className={`${thClass} min-w-64`}>
              Message
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {logs.map((log) => (
            <tr key={log.id}>
              <td className={`${tdClass} whitespace-nowrap`}>
                <time dateTime={log.created_at} className="block">
                  {formatAgo(log.created_at, now)}
                </time>
                <span className="block text-xs text-slate-500 dark:text-slate-400">
                  {formatInstant(log.created_at)}
                </span>
              </td>
              {showTask && (
                <td className={tdClass}>
                  <Link to={`/tasks/${log.task_id}`} className={linkClass} title={log.task_id}>
                    {log.task_name}
                  </Link>
                </td>
              )}
              <td className={tdClass}>
                <AttemptStatusBadge status={log.status} />
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {log.retry_count === 0 ? 'First' : `Retry ${log.retry_count}`}
              </td>
              <td className={tdClass}>{log.http_status ?? '—'}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDuration(log.execution_time)}</td>
              <td className={`${tdClass} max-w-md text-xs`}>
                <AttemptMessage message={log.message} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
