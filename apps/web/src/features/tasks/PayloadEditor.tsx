import { buttonSecondary, fieldErrorClass, hintClass, inputClass, labelClass } from '../../components/ui';
import { discordTemplateText } from './discord-template';
import type { HttpMethod } from '@scheduler/core';
import { payloadProblem, payloadProblemFor } from './task-form-model';

interface PayloadEditorProps {
  value: string;
  onChange: (text: string) => void;
  /** An error from the API for this field, shown when the text itself is fine. */
  serverError?: string;
  /** The task's method: GET and DELETE take no payload. */
  method?: HttpMethod;
}

/** The JSON body the webhook receives, checked on every keystroke. */
export function PayloadEditor({ value, onChange, serverError, method = 'POST' }: PayloadEditorProps) {
  const problem = payloadProblemFor(method, value) ?? serverError;
  const format = () => {
    if (payloadProblem(value)) return;
    onChange(JSON.stringify(JSON.parse(value), null, 2));
  };
  const bytes = new TextEncoder().encode(value).length;
  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-2">
        <label htmlFor="task-payload" className={labelClass}>
          JSON payload
        </label>
        <div className="flex gap-2">
          <button type="button" className={buttonSecondary} onClick={() => onChange(discordTemplateText)}>
            Use Discord template
          </button>
          <button
            type="button"
            className={buttonSecondary}
            onClick={format}
            disabled={Boolean(payloadProblem(value))}
          >
            Format
          </button>
        </div>
      </div>
      <textarea
        id="task-payload"
        className={`${inputClass} mt-1 min-h-48 font-mono text-xs leading-5`}
        spellCheck={false}
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby="task-payload-status"
        onChange={(event) => onChange(event.target.value)}
      />
      {problem ? (
        <p id="task-payload-status" className={fieldErrorClass}>
          {problem}
        </p>
      ) : (
        <p id="task-payload-status" className={hintClass}>
          Valid JSON · {bytes.toLocaleString('en')} bytes. POSTed as application/json.
        </p>
      )}
    </div>
  );
}
