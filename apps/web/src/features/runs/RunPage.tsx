import { Link, useParams } from 'react-router';
import { isActiveRun, isRetryableRun } from '@scheduler/core';
import { useGetRunQuery, useGetTaskQuery } from '../../app/api';
import type { RunDetail } from '../../app/api-types';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { RunStatusBadge } from '../../components/StatusBadge';
import { DetailItem as Item, When } from '../../components/DetailList';
import { buttonDanger, buttonSecondary, cardClass, linkClass } from '../../components/ui';
import { formatDuration, formatInstant } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { AttemptsTable } from '../logs/AttemptsTable';
import { useRefreshOptions } from '../settings/use-refresh';
import { CancelRunButton } from './CancelRunButton';
import { RetryRunForm } from './RetryRunForm';
import { RunDependencies } from './RunDependencies';
import { triggerLabel } from './run-words';

function RunFields({ run, now }: { run: RunDetail; now: Date }) {
  const took =
    run.started_at && run.finished_at
      ? formatDuration(new Date(run.finished_at).getTime() - new Date(run.started_at).getTime())
      : undefined;
  return (
    <section className={`${cardClass} p-5`} aria-labelledby="run-fields-title">
      <h2 id="run-fields-title" className="text-base font-semibold">
        Run
      </h2>
      <dl className="mt-2 divide-y divide-slate-100 dark:divide-slate-800">
        <Item term="Task">
          <Link to={`/tasks/${run.task_id}`} className={linkClass}>
            {run.task_name}
          </Link>
        </Item>
        <Item term="Status">
          <RunStatusBadge status={run.status} />
        </Item>
        <Item term="Trigger">
          {triggerLabel[run.trigger]}
          {run.retry_of && (
            <>
              {' of '}
              <Link to={`/runs/${run.retry_of}`} className={linkClass}>
                an earlier run
              </Link>
            </>
          )}
        </Item>
        <Item term="Due">
          <When value={run.scheduled_for} now={now} past />
        </Item>
        <Item term="Started">
          <When value={run.started_at} now={now} past />
        </Item>
        <Item term="Finished">
          <When value={run.finished_at} now={now} past />
          {took && <span className="block text-slate-500 dark:text-slate-400">after {took}</span>}
        </Item>
        <Item term="Attempts">{run.attempt_count}</Item>
        <Item term="HTTP status">{run.http_status ?? '—'}</Item>
        <Item term="Message">
          {run.message ?? '—'}
          <div className="mt-1 font-medium">
            <RunDependencies message={run.message} />
          </div>
        </Item>
        <Item term="Payload">
          {run.payload_override === null ? (
            'The task’s payload'
          ) : (
            <>
              <span className="block text-slate-500 dark:text-slate-400">Edited for this run:</span>
              <pre className="mt-1 max-h-72 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs ring-1 ring-slate-200 dark:bg-slate-950 dark:ring-slate-800">
                {JSON.stringify(run.payload_override, null, 2)}
              </pre>
            </>
          )}
        </Item>
        <Item term="Run id">
          <span className="font-mono text-xs">{run.id}</span>
        </Item>
      </dl>
    </section>
  );
}

/** One run: its fields, its attempts oldest first, Cancel while in flight, Retry once it failed. */
export function RunPage() {
  const { runId = '' } = useParams();
  const { data: run, error, isLoading, refetch } = useGetRunQuery(runId, useRefreshOptions());
  // The task's payload, which a retry sends unless it is edited. Not polled: it prefills an editor.
  const retryable = run !== undefined && isRetryableRun(run.status);
  const { data: task } = useGetTaskQuery(run?.task_id ?? '', { skip: !retryable });
  const now = useNow();
  if (isLoading) return <LoadingState label="Loading the run…" />;
  if (!run) return <ErrorState error={error} title="Could not load the run" onRetry={() => void refetch()} />;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/runs" className="text-slate-500 hover:underline dark:text-slate-400">
          ← Runs
        </Link>
      </nav>
      <PageHeader
        title={`Run of ${run.task_name}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <RunStatusBadge status={run.status} />
            <span>
              {triggerLabel[run.trigger]} · due {formatInstant(run.scheduled_for)}
            </span>
          </span>
        }
        actions={
          <>
            {isActiveRun(run.status) && (
              <CancelRunButton run={run} taskName={run.task_name} className={buttonDanger} />
            )}
            <Link to={`/tasks/${run.task_id}`} className={buttonSecondary}>
              Open task
            </Link>
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <RunFields run={run} now={now} />
        <div className="space-y-6">
          <section className={cardClass} aria-labelledby="run-attempts-title">
            <h2 id="run-attempts-title" className="px-5 pt-4 pb-2 text-base font-semibold">
              Attempts
            </h2>
            {run.attempts.length === 0 ? (
              <EmptyState title="No attempt yet.">An attempt starts once a worker takes the run.</EmptyState>
            ) : (
              <AttemptsTable
                logs={run.attempts.map((attempt) => ({ ...attempt, task_name: run.task_name }))}
                now={now}
                caption={`Attempts of this run, oldest first`}
              />
            )}
          </section>
          {retryable && task && <RetryRunForm key={run.id} run={run} taskPayload={task.json_payload} />}
        </div>
      </div>
    </>
  );
}
