import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorCode } from '../../app/api-error';
import { useGetTaskQuery, useListTaskLogsQuery } from '../../app/api';
import type { TaskDetail } from '../../app/api-types';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { DisabledBadge, TaskStatusBadge } from '../../components/StatusBadge';
import { Switch } from '../../components/Switch';
import { buttonDanger, buttonPrimary, buttonSecondary, cardClass } from '../../components/ui';
import { useNow } from '../../lib/use-now';
import { AttemptsTable } from '../logs/AttemptsTable';
import { TaskRuns } from '../runs/TaskRuns';
import { useRefreshOptions } from '../settings/use-refresh';
import { DeleteTaskButton } from './DeleteTaskButton';
import { ExecutionTimeChart } from './ExecutionTimeChart';
import { failureReason } from './failure-reason';
import { TaskGone } from './TaskGone';
import { TaskSettings } from './TaskSettings';
import { useTaskActions } from './use-task-actions';

function TaskActions({ task }: { task: TaskDetail }) {
  const { runNow, toggleEnabled, deleteTask, rearm, skipNext, busy } = useTaskActions();
  const navigate = useNavigate();
  return (
    <>
      <span className="flex items-center gap-2 text-sm">
        <Switch
          checked={task.enabled}
          label="Enabled"
          disabled={busy.toggling}
          onChange={() => void toggleEnabled(task)}
        />
        <span aria-hidden="true">{task.enabled ? 'Enabled' : 'Paused'}</span>
      </span>
      {task.task_status === 'failed' && (
        <button
          type="button"
          className={buttonPrimary}
          disabled={busy.rearming}
          onClick={() => void rearm(task)}
        >
          Re-arm
        </button>
      )}
      <button
        type="button"
        className={buttonSecondary}
        disabled={busy.running || task.task_status === 'running'}
        onClick={() => void runNow(task)}
      >
        Run now
      </button>
      <button
        type="button"
        className={buttonSecondary}
        disabled={busy.skipping || task.next_run_at === null}
        onClick={() => void skipNext(task)}
      >
        Skip next run
      </button>
      <Link to={`/tasks/${task.id}/edit`} className={buttonSecondary}>
        Edit
      </Link>
      <DeleteTaskButton
        task={task}
        className={buttonDanger}
        onDelete={deleteTask}
        // Replace: Back must not lead to the page of a task that no longer exists.
        onDeleted={() => void navigate('/tasks', { replace: true })}
      />
    </>
  );
}

function TaskAttempts({ task, now }: { task: TaskDetail; now: Date }) {
  const [page, setPage] = useState(1);
  const [limit, setLimit] = useState(20);
  const { data, error, isLoading, refetch } = useListTaskLogsQuery(
    { taskId: task.id, page, limit },
    useRefreshOptions(),
  );
  let body;
  if (isLoading) body = <LoadingState label="Loading attempts…" />;
  else if (!data)
    body = <ErrorState error={error} title="Could not load the attempts" onRetry={() => void refetch()} />;
  else if (data.data.length === 0)
    body = <EmptyState title="No attempt yet.">Use Run now to try the webhook.</EmptyState>;
  else
    body = (
      <>
        <AttemptsTable logs={data.data} now={now} caption={`Attempts of ${task.task_name}`} />
        <Pagination
          meta={data.meta}
          noun={['attempt', 'attempts']}
          onPageChange={setPage}
          onPageSizeChange={(size) => {
            setLimit(size);
            setPage(1);
          }}
        />
      </>
    );
  return (
    <section className={cardClass} aria-labelledby="task-attempts-title">
      <h2 id="task-attempts-title" className="px-5 pt-4 pb-2 text-base font-semibold">
        Attempts
      </h2>
      {body}
    </section>
  );
}

export function TaskDetailPage() {
  const { taskId = '' } = useParams();
  const { data: task, error, isLoading, refetch } = useGetTaskQuery(taskId, useRefreshOptions());
  const now = useNow();
  if (isLoading) return <LoadingState label="Loading the task…" />;
  if (!task && errorCode(error) === 'NOT_FOUND') return <TaskGone />;
  if (!task)
    return <ErrorState error={error} title="Could not load the task" onRetry={() => void refetch()} />;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to="/tasks" className="text-slate-500 hover:underline dark:text-slate-400">
          ← Tasks
        </Link>
      </nav>
      <PageHeader
        title={task.task_name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <TaskStatusBadge status={task.task_status} />
            {!task.enabled && <DisabledBadge reason={task.disabled_reason} />}
            {task.disabled_reason !== null ? (
              <span role="status">
                Disabled automatically: {task.disabled_reason}. Enable it again once its webhook is fixed.
              </span>
            ) : (
              task.task_status === 'failed' && (
                <span>Failed: {failureReason(task)} Re-arm it to schedule it again.</span>
              )
            )}
          </span>
        }
        actions={<TaskActions task={task} />}
      />
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <TaskSettings task={task} now={now} />
        <div className="space-y-6">
          <section className={cardClass} aria-labelledby="task-chart-title">
            <h2 id="task-chart-title" className="px-5 pt-4 text-base font-semibold">
              Execution time
            </h2>
            <ExecutionTimeChart logs={task.logs} />
          </section>
          <TaskRuns task={task} now={now} />
          <TaskAttempts task={task} now={now} />
        </div>
      </div>
    </>
  );
}
