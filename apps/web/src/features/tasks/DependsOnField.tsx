import { useListTasksQuery } from '../../app/api';
import { inputClass } from '../../components/ui';
import { FormField } from './FormField';

interface DependsOnFieldProps {
  id: string;
  /** The ids chosen. */
  value: string[];
  error?: string | undefined;
  onChange: (ids: string[]) => void;
}

/** The most tasks the picker lists (by name); SPEC §13 allows 20 dependencies. */
const LISTED = 100;

/**
 * "After other tasks" (SPEC §13 chain): the tasks it runs after, picked by name. It gets a run
 * each time all of them have finished since its last run.
 */
export function DependsOnField({ id, value, error, onChange }: DependsOnFieldProps) {
  const { data } = useListTasksQuery({ page: 1, limit: LISTED, sort: 'task_name', order: 'asc' });
  const tasks = data?.data ?? [];
  // A chosen task beyond the first page is still shown, by id, so it is not dropped unseen.
  const unlisted = value.filter((chosen) => !tasks.some((task) => task.id === chosen));
  return (
    <FormField
      id={id}
      label="Runs after"
      error={error}
      hint="It runs once each of these has finished since its last run (Ctrl or ⌘ to pick several)."
    >
      {(describedBy) => (
        <select
          id={id}
          multiple
          size={Math.min(8, Math.max(3, tasks.length + unlisted.length))}
          className={inputClass}
          value={value}
          aria-invalid={Boolean(error) || undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange([...event.target.selectedOptions].map((option) => option.value))}
        >
          {tasks.map((task) => (
            <option key={task.id} value={task.id}>
              {task.task_name}
            </option>
          ))}
          {unlisted.map((chosen) => (
            <option key={chosen} value={chosen}>
              {chosen}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
