import { useEffect, useState } from 'react';
import { taskStatuses, type SortOrder, type TaskSortField } from '../../app/api-types';
import { useAppDispatch } from '../../app/hooks';
import { FilterBar, SearchFilter, SelectFilter, type FilterChoice } from '../../components/FilterBar';
import {
  taskEnabledFilterChanged,
  taskFiltersCleared,
  taskSearchChanged,
  taskSortChanged,
  taskStatusFilterChanged,
  type EnabledFilter,
  type TaskListViewState,
} from './taskListViewSlice';

const sortChoices: FilterChoice<`${TaskSortField}:${SortOrder}`>[] = [
  { value: 'created_at:desc', label: 'Newest first' },
  { value: 'created_at:asc', label: 'Oldest first' },
  { value: 'task_name:asc', label: 'Name A–Z' },
  { value: 'task_name:desc', label: 'Name Z–A' },
  { value: 'next_run_at:asc', label: 'Next run soonest' },
  { value: 'next_run_at:desc', label: 'Next run latest' },
  { value: 'lateness_p99_ms:desc', label: 'Least punctual first' },
  { value: 'lateness_p99_ms:asc', label: 'Most punctual first' },
];

const statusLabel = { ready: 'Ready', running: 'Running', failed: 'Failed' } as const;

const statusChoices: FilterChoice<TaskListViewState['status']>[] = [
  { value: 'all', label: 'All statuses' },
  ...taskStatuses.map((status) => ({ value: status, label: statusLabel[status] })),
];

const enabledChoices: FilterChoice<EnabledFilter>[] = [
  { value: 'all', label: 'Enabled and paused' },
  { value: 'enabled', label: 'Enabled only' },
  { value: 'disabled', label: 'Paused only' },
];

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
    <FilterBar
      columns="lg:grid-cols-[minmax(0,2fr)_repeat(3,minmax(0,1fr))_auto]"
      filtered={filtered}
      onClear={() => dispatch(taskFiltersCleared())}
    >
      <SearchFilter
        id="task-search"
        label="Search"
        placeholder="Task name"
        value={search}
        onChange={setSearch}
      />
      <SelectFilter
        id="task-status-filter"
        label="Status"
        value={view.status}
        choices={statusChoices}
        onChange={(status) => dispatch(taskStatusFilterChanged(status))}
      />
      <SelectFilter
        id="task-enabled-filter"
        label="Enabled"
        value={view.enabled}
        choices={enabledChoices}
        onChange={(enabled) => dispatch(taskEnabledFilterChanged(enabled))}
      />
      <SelectFilter
        id="task-sort"
        label="Sort"
        value={`${view.sort}:${view.order}`}
        choices={sortChoices}
        onChange={(value) => {
          const [sort, order] = value.split(':') as [TaskSortField, SortOrder];
          dispatch(taskSortChanged({ sort, order }));
        }}
      />
    </FilterBar>
  );
}
