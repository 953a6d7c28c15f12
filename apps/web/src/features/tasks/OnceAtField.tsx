import type { TaskTiming } from './task-form-model';
import { fieldErrorClass, hintClass, inputClass, labelClass } from '../../components/ui';
import { formatInstant, formatRelative } from '../../lib/time';
import { resolveLocalTime } from '../../lib/zoned-time';

const timingChoices: { value: TaskTiming; label: string }[] = [
  { value: 'schedule', label: 'Cron schedule' },
  { value: 'once', label: 'Once at' },
  { value: 'chain', label: 'After other tasks' },
];

/** Whether the task fires on a cron schedule or once, at one date and time. */
export function TimingChoice({
  value,
  onChange,
}: {
  value: TaskTiming;
  onChange: (timing: TaskTiming) => void;
}) {
  return (
    <fieldset>
      <legend className={labelClass}>When it runs</legend>
      <div className="mt-1 flex flex-wrap gap-x-5 gap-y-1">
        {timingChoices.map((choice) => (
          <label key={choice.value} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="task-timing"
              id={`task-timing-${choice.value}`}
              value={choice.value}
              checked={value === choice.value}
              className="size-4 accent-indigo-600"
              onChange={() => onChange(choice.value)}
            />
            {choice.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

interface OnceAtFieldProps {
  id: string;
  /** An `<input type="datetime-local">` value, read in `timezone`. */
  value: string;
  timezone: string;
  now: Date;
  error?: string | undefined;
  onChange: (value: string) => void;
  onBlur: () => void;
}

/** What the date and time chosen mean: the instant it fires, and what a change of clocks did to it. */
function OnceAtPreview({ value, timezone, now }: Pick<OnceAtFieldProps, 'value' | 'timezone' | 'now'>) {
  const resolved = resolveLocalTime(value, timezone);
  if (resolved.kind === 'invalid') return <>Pick a date and a time in {timezone}.</>;
  const when = (
    <>
      <time dateTime={resolved.instant.toISOString()} className="font-medium">
        {formatInstant(resolved.instant, timezone)}
      </time>{' '}
      ({formatRelative(resolved.instant, now)})
    </>
  );
  const time = value.slice(11, 16);
  switch (resolved.kind) {
    case 'exact':
      return <>Fires once at {when}.</>;
    case 'repeated':
      return (
        <>
          {time} happens twice that day in {timezone} (clocks go back): it fires at the first, {when}.
        </>
      );
    case 'skipped':
      return (
        <>
          {time} does not exist that day in {timezone} (clocks go forward): it fires at {when}.
        </>
      );
  }
}

/** "Once at": a date and time in the task's zone, which the form sends as an instant with its offset. */
export function OnceAtField({ id, value, timezone, now, error, onChange, onBlur }: OnceAtFieldProps) {
  const resolved = resolveLocalTime(value, timezone);
  const past = resolved.kind !== 'invalid' && resolved.instant.getTime() < now.getTime() - 60_000;
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        Date and time
      </label>
      <input
        id={id}
        type="datetime-local"
        className={`${inputClass} mt-1 sm:max-w-64`}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-preview`}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onBlur}
      />
      {error && <p className={fieldErrorClass}>{error}</p>}
      <p id={`${id}-preview`} className={hintClass}>
        <OnceAtPreview value={value} timezone={timezone} now={now} />
        {past && ' That is in the past: the API takes only a time to come (or within the last minute).'}
      </p>
    </div>
  );
}
