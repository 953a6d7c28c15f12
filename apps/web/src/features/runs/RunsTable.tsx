import { Link } from 'react-router';
import type { RunListItem } from '../../app/api-types';
import { RunStatusBadge } from '../../components/StatusBadge';
import { linkClass, tableClass, tdClass, thClass } from '../../components/ui';
import { formatAgo, formatInstant } from '../../lib/time';
import { triggerLabel } from './run-words';
import { RunDependencies } from './RunDependencies';

interface RunsTableProps {
  runs: RunListItem[];
  now: Date;
  /** Adds a column linking each run to its task (the Runs page). */
  showTask?: boolean;
  caption: string;
}

/** Runs, newest first: when each was due (a link to its page), status, trigger, attempts, outcome. */
export function RunsTable({ runs, now, showTask, caption }: RunsTableProps) {
  return (
    // relative: the sr-only labels inside (absolutely positioned) scroll with the table instead of
    // widening the page on a narrow screen.
    <div className="relative overflow-x-auto">
      <table className={tableClass}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className={thClass}>
              Due
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
              Trigger
            </th>
            <th scope="col" className={thClass}>
              Attempts
            </th>
            <th scope="col" className={thClass}>
              HTTP
            </th>
            <th scope="col" className={`${thClass} min-w-48`}>
              Message
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {runs.map((run) => (
            <tr key={run.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
              <td className={`${tdClass} whitespace-nowrap`}>
                <Link to={`/runs/${run.id}`} className={`${linkClass} block`} title={`Run ${run.id}`}>
                  <time dateTime={run.scheduled_for}>{formatAgo(run.scheduled_for, now)}</time>
                </Link>
                <span className="block text-xs text-slate-500 dark:text-slate-400">
                  {formatInstant(run.scheduled_for)}
                </span>
              </td>
              {showTask && (
                <td className={`${tdClass} max-w-56`}>
                  <Link
                    to={`/tasks/${run.task_id}`}
                    className={`${linkClass} block truncate`}
                    title={run.task_name}
                  >
                    {run.task_name}
                  </Link>
                </td>
              )}
              <td className={tdClass}>
                <RunStatusBadge status={run.status} />
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>{triggerLabel[run.trigger]}</td>
              <td className={tdClass}>{run.attempt_count}</td>
              <td className={tdClass}>{run.http_status ?? '—'}</td>
              <td className={`${tdClass} max-w-md text-xs`}>
                <RunDependencies message={run.message} />
                <span className="line-clamp-2 break-words">{run.message ?? '—'}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
