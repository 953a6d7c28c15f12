import { useId, useState, type ReactNode } from 'react';
import { buttonGhost, buttonSecondary, hintClass, inputClass, labelClass } from './ui';

/** A list page's filters: one row of labelled fields, then "Clear filters" (enabled while any applies). */
export function FilterBar({
  columns,
  filtered,
  onClear,
  children,
}: {
  /** The lg grid's columns for the fields (the button gets its own `auto` column). */
  columns: string;
  filtered: boolean;
  onClear: () => void;
  children: ReactNode;
}) {
  const fieldsId = useId();
  // Folded on a phone (the button shows below sm only); open from sm up whatever this says.
  const [open, setOpen] = useState(false);
  return (
    <div>
      <div className="p-3 pb-0 sm:hidden">
        <button
          type="button"
          className={buttonSecondary}
          aria-expanded={open}
          aria-controls={fieldsId}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide filters' : filtered ? 'Filters (some set)' : 'Filters'}
        </button>
      </div>
      {/* items-start: a message under one field (a range error, a search hint) grows that field
      downwards without moving the other labels; the button skips the labels' height (lg:mt-6). */}
      <div
        id={fieldsId}
        role="search"
        className={`grid gap-3 p-3 sm:grid-cols-2 lg:items-start ${columns} ${open ? '' : 'max-sm:hidden'}`}
      >
        {children}
        <button type="button" className={`${buttonGhost} lg:mt-6`} disabled={!filtered} onClick={onClear}>
          Clear filters
        </button>
      </div>
    </div>
  );
}

/** One labelled field of a filter bar; `children` is the control, which gets `id`. */
export function FilterField({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      {children}
    </div>
  );
}

export interface FilterChoice<V extends string> {
  value: V;
  label: string;
}

/** A filter picked from a list. */
export function SelectFilter<V extends string>({
  id,
  label,
  value,
  choices,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: V;
  choices: readonly FilterChoice<V>[];
  onChange: (value: V) => void;
  /** Extra options after `choices` (say, ones that load later). */
  children?: ReactNode;
}) {
  return (
    <FilterField id={id} label={label}>
      <select
        id={id}
        className={`${inputClass} mt-1`}
        value={value}
        // The options are exactly `choices` and `children`, whose values the caller typed as V.
        onChange={(event) => onChange(event.target.value as V)}
      >
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
        {children}
      </select>
    </FilterField>
  );
}

/** A filter typed as text (a name to look for). */
export function SearchFilter({
  id,
  label,
  placeholder,
  value,
  hint,
  onChange,
}: {
  id: string;
  label: string;
  placeholder: string;
  value: string;
  /** What the text found, said under the box (and read with it). */
  hint?: string;
  onChange: (value: string) => void;
}) {
  return (
    <FilterField id={id} label={label}>
      <input
        id={id}
        type="search"
        className={`${inputClass} mt-1`}
        placeholder={placeholder}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint && (
        <p id={`${id}-hint`} className={hintClass} aria-live="polite">
          {hint}
        </p>
      )}
    </FilterField>
  );
}
