import type { ReactNode } from 'react';
import { fieldErrorClass, hintClass, labelClass } from '../../components/ui';

interface FormFieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  /** Renders the control, given the id of its hint or error for `aria-describedby`. */
  children: (describedBy: string) => ReactNode;
}

/** A label, a control, and under it either the field's error or its hint. */
export function FormField({ id, label, error, hint, children }: FormFieldProps) {
  const describedBy = `${id}-description`;
  return (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <div className="mt-1">{children(describedBy)}</div>
      {error ? (
        <p id={describedBy} className={fieldErrorClass}>
          {error}
        </p>
      ) : hint ? (
        <p id={describedBy} className={hintClass}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
