import { useEffect, useState } from 'react';
import { taskStatuses, type SortOrder, type TaskSortField } from '../../app/api-types';
import { useAppDispatch } from '../../app/hooks';
import { buttonGhost, inputClass, labelClass } from '../../components/ui';
import {
  taskEnabledFilterChanged,
  taskFiltersCleared,
  taskSearchChanged,
  taskSortChanged,
  taskStatusFilterChanged,
  type EnabledFilter,
  type TaskListViewState,
} from './taskListViewSlice';

const sortChoices: { value: `${TaskSortField}:${SortOrder}`; label: string }[] = [
  { value: 'created_at:desc', label: 'Newest first' },
  { value: 'created_at:asc', label: 'Oldest first' },
  { value: 'task_name:asc', label: 'Name A–Z' },
  { value: 'task_name:desc', label: 'Name Z–A' },
  { value: 'next_run_at:asc', label: 'Next run soonest' },
  { value: 'next_run_at:desc', label: 'Next run latest' },
];

const statusLabel = { ready: 'Ready', running: 'Running', failed: 'Failed' } as const;

export function TaskFilters({ view }: { view: TaskListViewState }) {
  const dispatch = useAppDispatch();
  // The search box updates at once; the query follows after a pause in typing.
  const [search, setSearch] = useState(view.search);
  useEffect(() => setSearch(view.search), [view.search]);
  useEffect(() => {
    if (search === view.search) return;
    const timer = window.setTimeout(() => dispatch(taskSearchChanged(search)), 300);
    return () => window.clearTimeout(timer);
  }, [dispatch, search, view.search]);

  const filtered = view.search !== '' || view.status !== 'all' || view.enabled !== 'all';
  return (
    <div
      role="search"
      className="grid gap-3 p-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,2fr)_repeat(3,minmax(0,1fr))_auto] lg:items-end"
    >
      <div>
        <label htmlFor="task-search" className={labelClass}>
          Search
        </label>
        <input
          id="task-search"
          type="search"
          className={`${inputClass} mt-1`}
          placeholder="Task name"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <div>
        <label htmlFor="task-status-filter" className={labelClass}>
          Status
        </label>
        <select
          id="task-status-filter"
          className={`${inputClass} mt-1`}
          value={view.status}
          onChange={(event) =>
            dispatch(taskStatusFilterChanged(event.target.value as TaskListViewState['status']))
          }
        >
          <option value="all">All statuses</option>
          {taskStatuses.map((status) => (
            <option key={status} value={status}>
              {statusLabel[status]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="task-enabled-filter" className={labelClass}>
          Enabled
        </label>
        <select
          id="task-enabled-filter"
          className={`${inputClass} mt-1`}
          value={view.enabled}
          onChange={(event) => dispatch(taskEnabledFilterChanged(event.target.value as EnabledFilter))}
        >
          <option value="all">Enabled and paused</option>
          <option value="enabled">Enabled only</option>
          <option value="disabled">Paused only</option>
        </select>
      </div>
      <div>
        <label htmlFor="task-sort" className={labelClass}>
          Sort
        </label>
        <select
          id="task-sort"
          className={`${inputClass} mt-1`}
          value={`${view.sort}:${view.order}`}
          onChange={(event) => {
            const [sort, order] = event.target.value.split(':') as [TaskSortField, SortOrder];
            dispatch(taskSortChanged({ sort, order }));
          }}
        >
          {sortChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className={buttonGhost}
        disabled={!filtered}
        onClick={() => dispatch(taskFiltersCleared())}
      >
        Clear filters
      </button>
    </div>
  );
}
