import { useState } from 'react';
import { attemptStatuses, type AttemptStatus } from '../../app/api-types';
import { useGetTaskQuery, useListTasksQuery } from '../../app/api';
import { useAppDispatch } from '../../app/hooks';
import {
  FilterBar,
  FilterField,
  SearchFilter,
  SelectFilter,
  type FilterChoice,
} from '../../components/FilterBar';
import { fieldErrorClass, inputClass } from '../../components/ui';
import { useDebounced } from '../../lib/use-debounced';
import {
  logFiltersCleared,
  logRangeChanged,
  logStatusFilterChanged,
  logTaskFilterChanged,
  type LogListViewState,
  rangeProblem,
} from './logListViewSlice';

/** Tasks by name, 100 at a time (the API's page limit). */
const taskPickerQuery = { page: 1, limit: 100, sort: 'task_name', order: 'asc' } as const;

const statusLabel: Record<AttemptStatus, string> = {
  finish: 'Succeeded',
  failed: 'Failed',
  running: 'Running',
  cancelled: 'Cancelled',
};

const statusChoices: FilterChoice<LogListViewState['status']>[] = [
  { value: 'all', label: 'All statuses' },
  ...attemptStatuses.map((status) => ({ value: status, label: statusLabel[status] })),
];

export function LogFilters({ view }: { view: LogListViewState }) {
  const dispatch = useAppDispatch();
  const filtered = view.status !== 'all' || view.taskId !== '' || view.from !== '' || view.to !== '';
  const badRange = rangeProblem(view);
  return (
    <FilterBar
      columns="lg:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
      filtered={filtered}
      onClear={() => dispatch(logFiltersCleared())}
    >
      <SelectFilter
        id="log-status-filter"
        label="Status"
        value={view.status}
        choices={statusChoices}
        onChange={(status) => dispatch(logStatusFilterChanged(status))}
      />
      <TaskPicker taskId={view.taskId} onChange={(taskId) => dispatch(logTaskFilterChanged(taskId))} />
      <FilterField id="log-from" label="From">
        <input
          id="log-from"
          type="datetime-local"
          className={`${inputClass} mt-1`}
          value={view.from}
          max={view.to || undefined}
          onChange={(event) => dispatch(logRangeChanged({ from: event.target.value }))}
        />
      </FilterField>
      <FilterField id="log-to" label="To">
        <input
          id="log-to"
          type="datetime-local"
          className={`${inputClass} mt-1`}
          value={view.to}
          min={view.from || undefined}
          aria-invalid={badRange ? true : undefined}
          aria-describedby={badRange ? 'log-range-error' : undefined}
          onChange={(event) => dispatch(logRangeChanged({ to: event.target.value }))}
        />
        {badRange && (
          <p id="log-range-error" className={fieldErrorClass}>
            {badRange}
          </p>
        )}
      </FilterField>
    </FilterBar>
  );
}

/**
 * The task filter: a search box narrows the list (the API's search, 100 names at a time),
 * so any task can be picked however many there are. `idPrefix` keeps its ids apart on each page.
 */
export function TaskPicker({
  taskId,
  onChange,
  idPrefix = 'log',
}: {
  taskId: string;
  onChange: (taskId: string) => void;
  idPrefix?: string;
}) {
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim());
  const { data: tasks } = useListTasksQuery(query ? { ...taskPickerQuery, search: query } : taskPickerQuery);
  const listed = !taskId || tasks?.data.some((task) => task.id === taskId);
  // The selected task may be outside the names listed: fetch its own name.
  const { data: selected } = useGetTaskQuery(taskId, { skip: listed !== false });
  const more = tasks ? tasks.meta.total - tasks.data.length : 0;
  return (
    <>
      <SearchFilter
        id={`${idPrefix}-task-search`}
        label="Find a task"
        placeholder="Name contains…"
        value={search}
        onChange={setSearch}
      />
      <SelectFilter
        id={`${idPrefix}-task-filter`}
        label="Task"
        value={taskId}
        choices={[{ value: '', label: 'All tasks' }]}
        onChange={onChange}
      >
        {!listed && <option value={taskId}>{selected?.task_name ?? `Task ${taskId.slice(0, 8)}`}</option>}
        {tasks?.data.map((task) => (
          <option key={task.id} value={task.id}>
            {task.task_name}
          </option>
        ))}
        {more > 0 && (
          <option disabled value="more">
            {`…and ${more} more: narrow with Find a task`}
          </option>
        )}
        {query && tasks?.meta.total === 0 && (
          <option disabled value="none">
            {`No task name contains "${query}"`}
          </option>
        )}
      </SelectFilter>
    </>
  );
}
