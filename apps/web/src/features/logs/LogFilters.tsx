import { attemptStatuses, type AttemptStatus } from '../../app/api-types';
import { useListTasksQuery } from '../../app/api';
import { useAppDispatch } from '../../app/hooks';
import { buttonGhost, inputClass, labelClass } from '../../components/ui';
import {
  logFiltersCleared,
  logRangeChanged,
  logStatusFilterChanged,
  logTaskFilterChanged,
  type LogListViewState,
} from './logListViewSlice';

/** The task picker lists up to 100 tasks by name (the API's page limit); the logs page shares this query. */
export const taskPickerQuery = { page: 1, limit: 100, sort: 'task_name', order: 'asc' } as const;

const statusLabel: Record<AttemptStatus, string> = {
  finish: 'Succeeded',
  failed: 'Failed',
  running: 'Running',
};

export function LogFilters({ view }: { view: LogListViewState }) {
  const dispatch = useAppDispatch();
  const { data: tasks } = useListTasksQuery(taskPickerQuery);
  const knownTask = !view.taskId || tasks?.data.some((task) => task.id === view.taskId);
  const filtered = view.status !== 'all' || view.taskId !== '' || view.from !== '' || view.to !== '';
  return (
    <div
      role="search"
      className="grid gap-3 p-3 sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto] lg:items-end"
    >
      <div>
        <label htmlFor="log-status-filter" className={labelClass}>
          Status
        </label>
        <select
          id="log-status-filter"
          className={`${inputClass} mt-1`}
          value={view.status}
          onChange={(event) =>
            dispatch(logStatusFilterChanged(event.target.value as LogListViewState['status']))
          }
        >
          <option value="all">All statuses</option>
          {attemptStatuses.map((status) => (
            <option key={status} value={status}>
              {statusLabel[status]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="log-task-filter" className={labelClass}>
          Task
        </label>
        <select
          id="log-task-filter"
          className={`${inputClass} mt-1`}
          value={view.taskId}
          onChange={(event) => dispatch(logTaskFilterChanged(event.target.value))}
        >
          <option value="">All tasks</option>
          {!knownTask && <option value={view.taskId}>Task {view.taskId.slice(0, 8)}</option>}
          {tasks?.data.map((task) => (
            <option key={task.id} value={task.id}>
              {task.task_name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="log-from" className={labelClass}>
          From
        </label>
        <input
          id="log-from"
          type="datetime-local"
          className={`${inputClass} mt-1`}
          value={view.from}
          max={view.to || undefined}
          onChange={(event) => dispatch(logRangeChanged({ from: event.target.value }))}
        />
      </div>
      <div>
        <label htmlFor="log-to" className={labelClass}>
          To
        </label>
        <input
          id="log-to"
          type="datetime-local"
          className={`${inputClass} mt-1`}
          value={view.to}
          min={view.from || undefined}
          onChange={(event) => dispatch(logRangeChanged({ to: event.target.value }))}
        />
      </div>
      <button
        type="button"
        className={buttonGhost}
        disabled={!filtered}
        onClick={() => dispatch(logFiltersCleared())}
      >
        Clear filters
      </button>
    </div>
  );
}
