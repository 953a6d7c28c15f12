import { useMemo } from 'react';
import { inputClass } from '../../components/ui';
import { currentZoneName } from '../../lib/time';

/** Every zone the browser knows, under its current name, UTC first (engines leave it out of `supportedValuesOf`). */
function timezoneOptions(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const options = ['UTC', ...zones.filter((zone) => zone !== 'UTC').map(currentZoneName)].sort((a, b) =>
    a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b),
  );
  // A task saved with an alias (e.g. US/Eastern) keeps its zone selectable.
  if (current && !options.includes(current)) options.unshift(current);
  return options;
}

interface TimezoneSelectProps {
  id: string;
  value: string;
  onChange: (timezone: string) => void;
  describedBy?: string;
  invalid?: boolean;
}

export function TimezoneSelect({ id, value, onChange, describedBy, invalid }: TimezoneSelectProps) {
  const options = useMemo(() => timezoneOptions(value), [value]);
  return (
    <select
      id={id}
      className={inputClass}
      value={value}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      onChange={(event) => onChange(event.target.value)}
    >
      {options.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll('_', ' ')}
        </option>
      ))}
    </select>
  );
}
