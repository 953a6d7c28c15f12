import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { errorCode, errorMessage, fieldErrors } from '../../app/api-error';
import { useRetryRunMutation } from '../../app/api';
import type { RunListItem } from '../../app/api-types';
import { buttonPrimary, cardClass, hintClass } from '../../components/ui';
import { PayloadEditor } from '../tasks/PayloadEditor';
import { payloadProblem } from '../tasks/task-form-model';
import { useToast } from '../toasts/use-toast';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Sends a failed, cancelled or expired run again as a new run, with the payload in the editor:
 * the run's own (an edited one, if it had one), else its task's. The API gets `json_payload` only
 * when that differs from the task's payload; otherwise the retry sends the task's as it stands.
 */
export function RetryRunForm({ run, taskPayload }: { run: RunListItem; taskPayload: unknown }) {
  const [text, setText] = useState(() => pretty(run.payload_override ?? taskPayload));
  const [serverError, setServerError] = useState<string>();
  const [retry, { isLoading }] = useRetryRunMutation();
  const navigate = useNavigate();
  const toast = useToast();
  const problem = payloadProblem(text);
  const edited = !problem && JSON.stringify(JSON.parse(text)) !== JSON.stringify(taskPayload);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem) {
      document.getElementById('task-payload')?.focus();
      return;
    }
    setServerError(undefined);
    const result = await retry(edited ? { id: run.id, json_payload: JSON.parse(text) } : { id: run.id });
    if (result.error) {
      setServerError(fieldErrors(result.error).json_payload);
      toast(
        'error',
        errorCode(result.error) === 'CONFLICT'
          ? `Not retried: ${errorMessage(result.error)}`
          : `Could not retry the run of "${run.task_name}": ${errorMessage(result.error)}`,
      );
      return;
    }
    toast('success', `A retry of "${run.task_name}" was queued.`);
    await navigate(`/runs/${result.data.id}`);
  };

  return (
    <form
      noValidate
      aria-labelledby="run-retry-title"
      className={`${cardClass} space-y-3 p-5`}
      onSubmit={(event) => void submit(event)}
    >
      <h2 id="run-retry-title" className="text-base font-semibold">
        Retry
      </h2>
      <p className={hintClass}>
        A new run of the task, now, with its retry budget. Edit the payload to send another body for that run
        only; the task keeps its own.
      </p>
      <PayloadEditor
        value={text}
        onChange={(value) => {
          setText(value);
          setServerError(undefined);
        }}
        serverError={serverError}
      />
      <div className="flex flex-wrap items-center justify-end gap-3">
        <span className="text-sm text-slate-500 dark:text-slate-400" aria-live="polite">
          {problem ? '' : edited ? 'Sends this edited payload.' : 'Sends the task’s payload.'}
        </span>
        <button type="submit" className={buttonPrimary} disabled={isLoading}>
          {isLoading ? 'Retrying…' : 'Retry run'}
        </button>
      </div>
    </form>
  );
}
