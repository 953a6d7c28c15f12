import type { CatchUp } from '@scheduler/core';
import { inputClass } from '../../components/ui';
import { FormField } from './FormField';
import type {
  ExecutionControlErrors,
  ExecutionControlField,
  ExecutionControlValues,
} from './execution-control-model';

interface ExecutionControlFieldsProps {
  values: ExecutionControlValues;
  timezone: string;
  /** The browser's checks (shown once touched or submitted) and the API's, by field. */
  errors: ExecutionControlErrors;
  onChange: <K extends ExecutionControlField>(field: K, value: ExecutionControlValues[K]) => void;
  onBlur: (field: ExecutionControlField) => void;
}

const catchUpChoices: { value: CatchUp; label: string }[] = [
  { value: 'latest', label: 'Latest: one run for all missed instants' },
  { value: 'none', label: 'None: skip missed instants' },
  { value: 'all', label: 'All: one run per missed instant (latest 100)' },
];

const instantFields = [
  {
    field: 'starts_at',
    id: 'task-starts-at',
    label: 'Starts at',
    hint: 'No run comes due before it. Empty: now.',
  },
  {
    field: 'ends_at',
    id: 'task-ends-at',
    label: 'Ends at',
    hint: 'No run comes due after it. Empty: never.',
  },
  {
    field: 'paused_until',
    id: 'task-paused-until',
    label: 'Paused until',
    hint: 'No run comes due before it; it clears itself.',
  },
] as const;

/** SPEC §13 in the task form: active range, pause, deadline, catch-up and jitter. */
export function ExecutionControlFields({
  values,
  timezone,
  errors,
  onChange,
  onBlur,
}: ExecutionControlFieldsProps) {
  return (
    <fieldset
      id="task-execution-control"
      tabIndex={-1}
      className="space-y-4 rounded-md p-3 ring-1 ring-slate-200 dark:ring-slate-700"
    >
      <legend className="px-1 text-sm font-semibold">Execution control</legend>
      <p className="text-xs text-slate-500 dark:text-slate-400">Dates and times are read in {timezone}.</p>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        {instantFields.map(({ field, id, label, hint }) => (
          <FormField key={field} id={id} label={label} error={errors[field]} hint={hint}>
            {(describedBy) => (
              <input
                id={id}
                type="datetime-local"
                step={1}
                className={inputClass}
                value={values[field]}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={describedBy}
                onChange={(event) => onChange(field, event.target.value)}
                onBlur={() => onBlur(field)}
              />
            )}
          </FormField>
        ))}
      </div>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <FormField
          id="task-catch-up"
          label="Missed instants"
          error={errors.catch_up}
          hint="What happens to instants missed while nothing ran (an outage, a pause)."
        >
          {(describedBy) => (
            <select
              id="task-catch-up"
              className={inputClass}
              value={values.catch_up}
              aria-describedby={describedBy}
              onChange={(event) => onChange('catch_up', event.target.value as CatchUp)}
            >
              {catchUpChoices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          id="task-deliver-within"
          label="Deliver within (ms)"
          error={errors.deliver_within_ms}
          hint="At least 1000. A run not delivered this long after it came due expires. Empty: no deadline."
        >
          {(describedBy) => (
            <input
              id="task-deliver-within"
              type="number"
              min={1000}
              step={1}
              className={inputClass}
              value={values.deliver_within_ms}
              aria-invalid={errors.deliver_within_ms ? true : undefined}
              aria-describedby={describedBy}
              onChange={(event) => onChange('deliver_within_ms', event.target.value)}
              onBlur={() => onBlur('deliver_within_ms')}
            />
          )}
        </FormField>
        <FormField
          id="task-jitter"
          label="Jitter (ms)"
          error={errors.jitter_ms}
          hint="0 to 3600000: each run comes due up to this much after its instant."
        >
          {(describedBy) => (
            <input
              id="task-jitter"
              type="number"
              min={0}
              max={3_600_000}
              step={1}
              className={inputClass}
              value={values.jitter_ms}
              aria-invalid={errors.jitter_ms ? true : undefined}
              aria-describedby={describedBy}
              onChange={(event) => onChange('jitter_ms', event.target.value)}
              onBlur={() => onBlur('jitter_ms')}
            />
          )}
        </FormField>
      </div>
    </fieldset>
  );
}
