import { attemptStatuses, type AttemptStatus } from '../../app/api-types';
import { useListTasksQuery } from '../../app/api';
import { useAppDispatch } from '../../app/hooks';
import { FilterBar, FilterField, SelectFilter, type FilterChoice } from '../../components/FilterBar';
import { inputClass } from '../../components/ui';
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

const statusChoices: FilterChoice<LogListViewState['status']>[] = [
  { value: 'all', label: 'All statuses' },
  ...attemptStatuses.map((status) => ({ value: status, label: statusLabel[status] })),
];

export function LogFilters({ view }: { view: LogListViewState }) {
  const dispatch = useAppDispatch();
  const { data: tasks } = useListTasksQuery(taskPickerQuery);
  const knownTask = !view.taskId || tasks?.data.some((task) => task.id === view.taskId);
  const filtered = view.status !== 'all' || view.taskId !== '' || view.from !== '' || view.to !== '';
  return (
    <FilterBar
      columns="lg:grid-cols-[repeat(4,minmax(0,1fr))_auto]"
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
      <SelectFilter
        id="log-task-filter"
        label="Task"
        value={view.taskId}
        choices={[{ value: '', label: 'All tasks' }]}
        onChange={(taskId) => dispatch(logTaskFilterChanged(taskId))}
      >
        {!knownTask && <option value={view.taskId}>Task {view.taskId.slice(0, 8)}</option>}
        {tasks?.data.map((task) => (
          <option key={task.id} value={task.id}>
            {task.task_name}
          </option>
        ))}
      </SelectFilter>
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
          onChange={(event) => dispatch(logRangeChanged({ to: event.target.value }))}
        />
      </FilterField>
    </FilterBar>
  );
}
