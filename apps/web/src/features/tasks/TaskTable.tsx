import { Link } from 'react-router';
import type { LastAttempt, TaskListItem } from '../../app/api-types';
import { AttemptStatusBadge, TaskStatusBadge } from '../../components/StatusBadge';
import { Switch } from '../../components/Switch';
import { buttonGhost, buttonGhostDanger, linkClass, tableClass, tdClass, thClass } from '../../components/ui';
import { formatAgo, formatDuration, formatInstant, formatRelative } from '../../lib/time';
import { DeleteTaskButton } from './DeleteTaskButton';
import { useTaskActions } from './use-task-actions';

/** When the task runs next; a failed task runs only once re-armed, whatever its next_run_at says. */
export function NextRun({
  task,
  now,
}: {
  task: Pick<TaskListItem, 'next_run_at' | 'timezone' | 'enabled' | 'task_status'>;
  now: Date;
}) {
  if (task.task_status === 'failed') {
    return <span className="text-slate-600 dark:text-slate-300">Not until re-armed</span>;
  }
  if (!task.next_run_at) return <span className="text-slate-600 dark:text-slate-300">—</span>;
  return (
    <span>
      <span className="block font-medium text-slate-800 dark:text-slate-100">
        {formatRelative(task.next_run_at, now)}
        {!task.enabled && <span className="font-normal text-slate-600 dark:text-slate-300"> (paused)</span>}
      </span>
      <time
        dateTime={task.next_run_at}
        className="block text-xs whitespace-nowrap text-slate-600 dark:text-slate-300"
      >
        {formatInstant(task.next_run_at, task.timezone)}
      </time>
    </span>
  );
}

function LastResult({ attempt, now }: { attempt: LastAttempt | null; now: Date }) {
  if (!attempt) return <span className="text-slate-600 dark:text-slate-300">Never run</span>;
  const details = [
    attempt.http_status === null ? null : `HTTP ${attempt.http_status}`,
    formatDuration(attempt.execution_time),
  ]
    .filter((part) => part && part !== '—')
    .join(' · ');
  return (
    <span className="flex flex-col items-start gap-0.5">
      <AttemptStatusBadge status={attempt.status} />
      <span className="text-xs whitespace-nowrap text-slate-500 dark:text-slate-400">
        {details && `${details} · `}
        <time dateTime={attempt.created_at}>{formatAgo(attempt.created_at, now)}</time>
      </span>
    </span>
  );
}

function TaskRow({ task, now }: { task: TaskListItem; now: Date }) {
  const { runNow, toggleEnabled, deleteTask, busy } = useTaskActions();
  return (
    <tr className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
      <td className={`${tdClass} max-w-64`}>
        <Link to={`/tasks/${task.id}`} className={`${linkClass} block truncate`}>
          {task.task_name}
        </Link>
        <span
          className="block truncate font-mono text-xs text-slate-500 dark:text-slate-400"
          title={task.timezone}
        >
          {task.task_schedule ?? `once at ${task.run_at ? formatInstant(task.run_at, task.timezone) : '—'}`}
        </span>
      </td>
      <td className={tdClass}>
        <TaskStatusBadge status={task.task_status} />
      </td>
      <td className={tdClass}>
        <Switch
          checked={task.enabled}
          label={`Enabled: ${task.task_name}`}
          disabled={busy.toggling}
          onChange={() => void toggleEnabled(task)}
        />
      </td>
      <td className={tdClass}>
        <NextRun task={task} now={now} />
      </td>
      <td className={tdClass}>
        <LastResult attempt={task.last_attempt} now={now} />
      </td>
      <td className={`${tdClass} text-right whitespace-nowrap`}>
        <button
          type="button"
          className={buttonGhost}
          aria-label={`Run ${task.task_name} now`}
          disabled={busy.running || task.task_status === 'running'}
          onClick={() => void runNow(task)}
        >
          Run now
        </button>
        <Link to={`/tasks/${task.id}/edit`} className={buttonGhost} aria-label={`Edit ${task.task_name}`}>
          Edit
        </Link>
        <DeleteTaskButton task={task} className={buttonGhostDanger} onDelete={deleteTask} />
      </td>
    </tr>
  );
}

/** The task list. On a narrow screen the table scrolls sideways inside its card. */
export function TaskTable({ tasks, now }: { tasks: TaskListItem[]; now: Date }) {
  return (
    // relative: the sr-only labels inside (absolutely positioned) scroll with the table instead of
    // widening the page on a narrow screen.
    <div className="relative overflow-x-auto">
      <table className={tableClass}>
        <caption className="sr-only">Tasks</caption>
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <th scope="col" className={thClass}>
              Task
            </th>
            <th scope="col" className={thClass}>
              Status
            </th>
            <th scope="col" className={thClass}>
              Enabled
            </th>
            <th scope="col" className={thClass}>
              Next run
            </th>
            <th scope="col" className={thClass}>
              Last result
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {tasks.map((task) => (
            <TaskRow key={task.id} task={task} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
