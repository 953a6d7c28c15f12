import { runStatuses, runTriggers, type RunStatus, type RunTrigger } from '../../app/api-types';
import { FilterBar, FilterField, SelectFilter, type FilterChoice } from '../../components/FilterBar';
import { runStatusLabel } from '../../components/StatusBadge';
import { fieldErrorClass, inputClass, labelClass } from '../../components/ui';
import { TaskPicker } from '../logs/LogFilters';
import { defaultRunFilters, runRangeProblem, runsFiltered, type RunFilters } from './run-filters';
import { triggerLabel } from './run-words';

const triggerChoices: FilterChoice<RunTrigger | ''>[] = [
  { value: '', label: 'All triggers' },
  ...runTriggers.map((trigger) => ({ value: trigger, label: triggerLabel[trigger] })),
];

/** Status boxes: none ticked is every status; several are any of them. */
function StatusFilter({
  statuses,
  onChange,
}: {
  statuses: RunStatus[];
  onChange: (statuses: RunStatus[]) => void;
}) {
  const toggle = (status: RunStatus, on: boolean) =>
    onChange(runStatuses.filter((s) => (s === status ? on : statuses.includes(s))));
  return (
    <fieldset className="sm:col-span-2 lg:col-span-full">
      <legend className={labelClass}>
        Status {statuses.length === 0 && <span className="font-normal">(all)</span>}
      </legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {runStatuses.map((status) => (
          <label key={status} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-indigo-600"
              checked={statuses.includes(status)}
              onChange={(event) => toggle(status, event.target.checked)}
            />
            {runStatusLabel(status)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Every change of a filter goes back to the first page. */
export function RunFilterBar({
  filters,
  onChange,
}: {
  filters: RunFilters;
  onChange: (filters: RunFilters) => void;
}) {
  const change = (patch: Partial<RunFilters>) => onChange({ ...filters, ...patch, page: 1 });
  const badRange = runRangeProblem(filters);
  return (
    <FilterBar
      columns="lg:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
      filtered={runsFiltered(filters)}
      onClear={() => onChange({ ...defaultRunFilters, limit: filters.limit })}
    >
      <StatusFilter statuses={filters.statuses} onChange={(statuses) => change({ statuses })} />
      <SelectFilter
        id="run-trigger-filter"
        label="Trigger"
        value={filters.trigger}
        choices={triggerChoices}
        onChange={(trigger) => change({ trigger })}
      />
      <TaskPicker idPrefix="run" taskId={filters.taskId} onChange={(taskId) => change({ taskId })} />
      <FilterField id="run-from" label="From">
        <input
          id="run-from"
          type="datetime-local"
          className={`${inputClass} mt-1`}
          value={filters.from}
          max={filters.to || undefined}
          onChange={(event) => change({ from: event.target.value })}
        />
      </FilterField>
      <FilterField id="run-to" label="To">
        <input
          id="run-to"
          type="datetime-local"
          className={`${inputClass} mt-1`}
          value={filters.to}
          min={filters.from || undefined}
          aria-invalid={badRange ? true : undefined}
          aria-describedby={badRange ? 'run-range-error' : undefined}
          onChange={(event) => change({ to: event.target.value })}
        />
        {badRange && (
          <p id="run-range-error" className={fieldErrorClass}>
            {badRange}
          </p>
        )}
      </FilterField>
    </FilterBar>
  );
}
