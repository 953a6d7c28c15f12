import { upcomingRun, waitingFor } from '@scheduler/core';
import { Link } from 'react-router';
import type { LastAttempt, SortOrder, TaskListItem, TaskSortField } from '../../app/api-types';
import { AttemptStatusBadge, TaskStatusBadge } from '../../components/StatusBadge';
import { Switch } from '../../components/Switch';
import { buttonGhost, buttonGhostDanger, linkClass, tableClass, tdClass, thClass } from '../../components/ui';
import { formatAgo, formatDuration, formatInstant, formatRelative } from '../../lib/time';
import { DeleteTaskButton } from './DeleteTaskButton';
import { lateness } from './punctuality';
import { useTaskActions } from './use-task-actions';

/**
 * When the task really runs next: a paused or failed task runs only once a user enables or
 * re-arms it, whatever its next_run_at says (a paused task's slips into the past).
 */
export function NextRun({
  task,
  now,
}: {
  task: Pick<
    TaskListItem,
    'next_run_at' | 'timezone' | 'enabled' | 'task_status' | 'task_schedule' | 'run_at'
  >;
  now: Date;
}) {
  const upcoming = upcomingRun(task);
  switch (upcoming.kind) {
    case 'waiting':
      return (
        <span className="text-slate-600 dark:text-slate-300">Not until {waitingFor(upcoming.until)}</span>
      );
    case 'never':
      return <span className="text-slate-600 dark:text-slate-300">—</span>;
    case 'after-dependencies':
      return <span className="text-slate-600 dark:text-slate-300">After its dependencies</span>;
    case 'due':
      return (
        <span>
          <span className="block font-medium text-slate-800 dark:text-slate-100">
            {formatRelative(upcoming.at, now)}
          </span>
          <time
            dateTime={upcoming.at}
            className="block text-xs text-slate-600 sm:whitespace-nowrap dark:text-slate-300"
          >
            {formatInstant(upcoming.at)}
          </time>
        </span>
      );
  }
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
      <span className="text-xs text-slate-500 sm:whitespace-nowrap dark:text-slate-400">
        {details && `${details} · `}
        <time dateTime={attempt.created_at}>{formatAgo(attempt.created_at, now)}</time>
      </span>
    </span>
  );
}

function TaskRow({ task, now }: { task: TaskListItem; now: Date }) {
  const { runNow, toggleEnabled, deleteTask, busy } = useTaskActions();
  return (
    <tr className={`hover:bg-slate-50 dark:hover:bg-slate-800/40 ${cardRow}`}>
      <td className={`${tdClass} max-sm:col-span-2 sm:max-w-64`}>
        <Link to={`/tasks/${task.id}`} className={`${linkClass} block truncate`}>
          {task.task_name}
        </Link>
        {/* The zone the schedule is read in, by name; instants are all in the display zone. */}
        <span className="block truncate text-xs text-slate-500 dark:text-slate-400">
          <span className="font-mono">
            {task.task_schedule ?? `once at ${task.run_at ? formatInstant(task.run_at) : '—'}`}
          </span>{' '}
          · {task.timezone}
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
        {task.disabled_reason !== null && (
          <span
            className="mt-1 block max-w-48 text-xs text-red-700 dark:text-red-300"
            title={task.disabled_reason}
          >
            Disabled automatically: {task.disabled_reason}
          </span>
        )}
      </td>
      <td className={`${tdClass} ${cardLabel}`} data-label="Next run">
        <NextRun task={task} now={now} />
      </td>
      <td className={`${tdClass} ${cardLabel}`} data-label="Last result">
        <LastResult attempt={task.last_attempt} now={now} />
      </td>
      <td className={`${tdClass} ${cardLabel} sm:whitespace-nowrap`} data-label="Punctuality (p99)">
        {task.lateness_p99_ms === null ? (
          <span
            className="text-slate-600 dark:text-slate-300"
            title="No scheduled run has sent a request yet"
          >
            —
          </span>
        ) : (
          <span title="Sent this long after due at the 99th percentile, over its last 100 scheduled runs">
            {lateness(task.lateness_p99_ms)}
          </span>
        )}
      </td>
      <td className={`${tdClass} whitespace-nowrap max-sm:col-span-2 max-sm:-ml-2 sm:text-right`}>
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

/**
 * Below `sm` (a phone) each row is a small card of two columns, its actions on a line of their
 * own, instead of a table scrolling sideways with the actions off-screen; the cells whose
 * meaning is not plain from their content get their column's name above them.
 */
const cardRow = 'max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-2 max-sm:py-1';
const cardLabel =
  'max-sm:before:block max-sm:before:text-xs max-sm:before:font-semibold max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]';

export interface TaskSort {
  sort: TaskSortField;
  order: SortOrder;
}

/**
 * A column header that sorts the list by its field: a first click sorts in `firstOrder`,
 * the next ones flip the order; `aria-sort` says how the list is sorted now.
 */
function SortableHeader({
  field,
  firstOrder,
  label,
  sort,
  onSortChange,
}: {
  field: TaskSortField;
  firstOrder: SortOrder;
  label: string;
  sort?: TaskSort;
  onSortChange?: (sort: TaskSort) => void;
}) {
  const active = sort?.sort === field;
  const ariaSort = active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined;
  if (!onSortChange)
    return (
      <th scope="col" className={thClass}>
        {label}
      </th>
    );
  return (
    <th scope="col" className={thClass} aria-sort={ariaSort}>
      <button
        type="button"
        className="inline-flex items-center gap-1 font-semibold hover:underline"
        onClick={() =>
          onSortChange({ sort: field, order: active ? (sort.order === 'asc' ? 'desc' : 'asc') : firstOrder })
        }
      >
        {label}
        <span aria-hidden="true">{active ? (sort.order === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}

/** The task list: a table, or a list of cards on a phone. */
export function TaskTable({
  tasks,
  now,
  sort,
  onSortChange,
}: {
  tasks: TaskListItem[];
  now: Date;
  sort?: TaskSort;
  onSortChange?: (sort: TaskSort) => void;
}) {
  return (
    // relative: the sr-only labels inside (absolutely positioned) scroll with the table instead of
    // widening the page on a narrow screen.
    <div className="relative overflow-x-auto">
      <table className={`${tableClass} max-sm:block`}>
        <caption className="sr-only">Tasks</caption>
        <thead className="bg-slate-50 max-sm:sr-only dark:bg-slate-900">
          <tr>
            <SortableHeader
              field="task_name"
              firstOrder="asc"
              label="Task"
              sort={sort}
              onSortChange={onSortChange}
            />
            <th scope="col" className={thClass}>
              Status
            </th>
            <th scope="col" className={thClass}>
              Enabled
            </th>
            <SortableHeader
              field="next_run_at"
              firstOrder="asc"
              label="Next run"
              sort={sort}
              onSortChange={onSortChange}
            />
            <th scope="col" className={thClass}>
              Last result
            </th>
            <SortableHeader
              field="lateness_p99_ms"
              firstOrder="desc"
              label="Punctuality (p99)"
              sort={sort}
              onSortChange={onSortChange}
            />
            <th scope="col" className={`${thClass} text-right`}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-sm:block dark:divide-slate-800">
          {tasks.map((task) => (
            <TaskRow key={task.id} task={task} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
