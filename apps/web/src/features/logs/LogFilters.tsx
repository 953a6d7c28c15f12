import { useEffect, useRef, useState } from 'react';
import { attemptStatuses, type AttemptStatus, type TaskListItem } from '../../app/api-types';
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
  logFiltersTouched,
  logRangeChanged,
  logStatusFilterChanged,
  logTaskFilterChanged,
  logTaskSearchChanged,
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
  const filtered = logFiltersTouched(view);
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
      <TaskPicker
        taskId={view.taskId}
        search={view.taskSearch}
        onSearchChange={(text) => dispatch(logTaskSearchChanged(text))}
        onChange={(taskId) => dispatch(logTaskFilterChanged(taskId))}
      />
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

/** A task's name, with its schedule and the start of its id when another task listed has the same name. */
function taskChoiceLabel(task: TaskListItem, listed: readonly TaskListItem[]): string {
  const namesakes = listed.filter((other) => other.task_name === task.task_name).length;
  return namesakes > 1 ? `${task.task_name} (${task.task_schedule}, ${task.id.slice(0, 8)})` : task.task_name;
}

/**
 * The task filter: a search box narrows the list (the API's search, 100 names at a time),
 * so any task can be picked however many there are. The list is filtered by one task (the
 * API's `task_id`): when the text matches exactly one name, that task is picked; when it matches
 * several, the box says so, and the pick is the user's. The text is the caller's to keep (the
 * Logs page keeps it with its filters), or the picker's own; `idPrefix` keeps its ids apart on each page.
 */
export function TaskPicker({
  taskId,
  search: searchGiven,
  onSearchChange,
  onChange,
  idPrefix = 'log',
}: {
  taskId: string;
  search?: string;
  onSearchChange?: (text: string) => void;
  onChange: (taskId: string) => void;
  idPrefix?: string;
}) {
  const [ownSearch, setOwnSearch] = useState('');
  const search = searchGiven ?? ownSearch;
  const setSearch = onSearchChange ?? setOwnSearch;
  const query = useDebounced(search.trim());
  // currentData: the names matching this text, never those of the previous one (the list keeps
  // showing the previous names while the next arrive).
  const { data: tasks, currentData: matching } = useListTasksQuery(
    query ? { ...taskPickerQuery, search: query } : taskPickerQuery,
  );
  const listed = !taskId || tasks?.data.some((task) => task.id === taskId);
  // The selected task may be outside the names listed: fetch its own name.
  const { data: selected } = useGetTaskQuery(taskId, { skip: listed !== false });
  const more = tasks ? tasks.meta.total - tasks.data.length : 0;
  const matches = query !== '' && matching ? matching.meta.total : undefined;
  const onlyMatch = matches === 1 ? matching?.data[0]?.id : undefined;
  // Picked once per text typed, so choosing "All tasks" afterwards sticks.
  const pickedFor = useRef('');
  useEffect(() => {
    if (query === '') pickedFor.current = '';
    if (!onlyMatch || pickedFor.current === query) return;
    pickedFor.current = query;
    if (onlyMatch !== taskId) onChange(onlyMatch);
  }, [onlyMatch, query, taskId, onChange]);
  let hint: string | undefined;
  if (matches === 0) hint = `No task name contains "${query}".`;
  else if (matches !== undefined && matches > 1 && !matching?.data.some((task) => task.id === taskId))
    hint = `${matches} tasks match: pick one under Task.`;
  return (
    <>
      <SearchFilter
        id={`${idPrefix}-task-search`}
        label="Find a task"
        placeholder="Name contains…"
        value={search}
        hint={hint}
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
            {taskChoiceLabel(task, tasks.data)}
          </option>
        ))}
        {more > 0 && (
          <option disabled value="more">
            {`…and ${more} more: narrow with Find a task`}
          </option>
        )}
      </SelectFilter>
    </>
  );
}
