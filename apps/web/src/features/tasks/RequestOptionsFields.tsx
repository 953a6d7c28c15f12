import { httpMethods, type HttpMethod } from '@scheduler/core';
import { inputClass } from '../../components/ui';
import { FormField } from './FormField';
import type { TaskFormField, TaskFormValues } from './task-form-model';

interface RequestOptionsFieldsProps {
  values: Pick<TaskFormValues, 'http_method' | 'headers' | 'timeout_ms'>;
  /** The error shown for a field (the form's own, or the API's). */
  error: (field: TaskFormField) => string | undefined;
  onChange: <K extends 'http_method' | 'headers' | 'timeout_ms'>(field: K, value: TaskFormValues[K]) => void;
  onBlur: (field: TaskFormField) => () => void;
}

/** SPEC §14 request options: the method, the task's own headers and its timeout. */
export function RequestOptionsFields({ values, error, onChange, onBlur }: RequestOptionsFieldsProps) {
  return (
    <fieldset className="grid grid-cols-1 gap-4 sm:grid-cols-[10rem_minmax(0,1fr)_12rem]">
      <legend className="sr-only">Request</legend>
      <FormField
        id="task-http-method"
        label="Method"
        error={error('http_method')}
        hint="GET and DELETE send no body."
      >
        {(describedBy) => (
          <select
            id="task-http-method"
            className={inputClass}
            value={values.http_method}
            aria-describedby={describedBy}
            onChange={(event) => onChange('http_method', event.target.value as HttpMethod)}
          >
            {httpMethods.map((method) => (
              <option key={method} value={method}>
                {method}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField
        id="task-headers"
        label="Headers"
        error={error('headers')}
        hint="One per line, Name: value (at most 20). Secret values are shown masked; leave a mask as it is to keep the value."
      >
        {(describedBy) => (
          <textarea
            id="task-headers"
            rows={Math.max(2, values.headers.split('\n').length)}
            className={`${inputClass} font-mono`}
            value={values.headers}
            spellCheck={false}
            placeholder="Authorization: Bearer …"
            aria-invalid={error('headers') ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange('headers', event.target.value)}
            onBlur={onBlur('headers')}
          />
        )}
      </FormField>
      <FormField
        id="task-timeout"
        label="Timeout (ms)"
        error={error('timeout_ms')}
        hint="Empty: the worker’s default."
      >
        {(describedBy) => (
          <input
            id="task-timeout"
            type="number"
            min={1000}
            step={1000}
            className={inputClass}
            value={values.timeout_ms}
            aria-invalid={error('timeout_ms') ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange('timeout_ms', event.target.value)}
            onBlur={onBlur('timeout_ms')}
          />
        )}
      </FormField>
    </fieldset>
  );
}
