import { useState } from 'react';
import { Link } from 'react-router';
import { useListTaskRunsQuery } from '../../app/api';
import type { Run, TaskDetail } from '../../app/api-types';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { Pagination } from '../../components/Pagination';
import { RunStatusBadge } from '../../components/StatusBadge';
import { buttonGhostDanger, cardClass, linkClass } from '../../components/ui';
import { formatAgo } from '../../lib/time';
import { useRefreshOptions } from '../settings/use-refresh';
import { CancelRunButton } from './CancelRunButton';
import { runsLink } from './run-filters';
import { triggerLabel } from './run-words';
import { RunsTable } from './RunsTable';

/** One line about a run: its status, why it exists, when; a link to its page. */
function RunLine({
  label,
  run,
  now,
  children,
}: {
  label: string;
  run: Run;
  now: Date;
  children?: React.ReactNode;
}) {
  const when = run.finished_at ?? run.started_at ?? run.created_at;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <span className="w-24 font-medium text-slate-500 dark:text-slate-400">{label}</span>
      <RunStatusBadge status={run.status} />
      <span className="text-slate-600 dark:text-slate-300">
        {triggerLabel[run.trigger]} ·{' '}
        {run.attempt_count === 1 ? '1 attempt' : `${run.attempt_count} attempts`} ·{' '}
        <time dateTime={when}>{formatAgo(when, now)}</time>
      </span>
      <Link to={`/runs/${run.id}`} className={linkClass} aria-label={`${label}: open its page`}>
        View
      </Link>
      {children}
    </div>
  );
}

/** A task's runs: the one in flight (with Cancel), the last one that ended, then all, latest first. */
export function TaskRuns({ task, now }: { task: TaskDetail; now: Date }) {
  const [page, setPage] = useState(1);
  const [limit, setLimit] = useState(10);
  const { data, error, isLoading, refetch } = useListTaskRunsQuery(
    { taskId: task.id, page, limit },
    useRefreshOptions(),
  );
  let body;
  if (isLoading) body = <LoadingState label="Loading runs…" />;
  else if (!data)
    body = <ErrorState error={error} title="Could not load the runs" onRetry={() => void refetch()} />;
  else if (data.data.length === 0)
    body = <EmptyState title="No run yet.">Use Run now to fire it once.</EmptyState>;
  else
    body = (
      <>
        <RunsTable
          runs={data.data}
          now={now}

          caption={`Runs of ${task.task_name}`}
        />
        <Pagination
          meta={data.meta}
          noun={['run', 'runs']}
          onPageChange={setPage}
          onPageSizeChange={(size) => {
            setLimit(size);
            setPage(1);
          }}
        />
      </>
    );
  return (
    <section className={cardClass} aria-labelledby="task-runs-title">
      <div className="flex flex-wrap items-baseline justify-between gap-2 px-5 pt-4 pb-2">
        <h2 id="task-runs-title" className="text-base font-semibold">
          Runs
        </h2>
        <Link to={runsLink({ taskId: task.id })} className={`${linkClass} text-sm`}>
          Filter on the Runs page
        </Link>
      </div>
      {(task.current_run || task.last_run) && (
        <div className="space-y-2 px-5 pb-3">
          {task.current_run && (
            <RunLine label="Current run" run={task.current_run} now={now}>
              <CancelRunButton
                run={task.current_run}
                taskName={task.task_name}
                className={buttonGhostDanger}
              />
            </RunLine>
          )}
          {task.last_run && <RunLine label="Last run" run={task.last_run} now={now} />}
        </div>
      )}
      {body}
    </section>
  );
}
