import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage, fieldErrors, type RequestError } from '../../app/api-error';
import type { TaskInput } from '../../app/api-types';
import { Switch } from '../../components/Switch';
import { buttonPrimary, buttonSecondary, cardClass, inputClass } from '../../components/ui';
import { useNow } from '../../lib/use-now';
import { DependsOnField } from './DependsOnField';
import { FormField } from './FormField';
import { OnceAtField, TimingChoice } from './OnceAtField';
import { PayloadEditor } from './PayloadEditor';
import { ExecutionControlFields } from './ExecutionControlFields';
import {
  type ExecutionControlField,
  previewDueInstants,
  validateExecutionControl,
} from './execution-control-model';
import { RequestOptionsFields } from './RequestOptionsFields';
import { SendTestPanel } from './SendTestPanel';
import { DiscordPreview } from './DiscordPreview';
import { previewSchedule } from './schedule-preview';
import { SchedulePreviewPanel } from './SchedulePreviewPanel';
import {
  maxRetryLimit,
  runAtInstant,
  toTaskInput,
  toWebhookTestInput,
  validateTaskForm,
  type TaskFormField,
  type TaskFormValues,
} from './task-form-model';
import { TimezoneSelect } from './TimezoneSelect';

interface TaskFormProps {
  initialValues: TaskFormValues;
  submitLabel: string;
  cancelTo: string;
  /** Sends the task; resolves to the request's error, or undefined when it was saved. */
  onSubmit: (input: TaskInput) => Promise<RequestError>;
  /** A second way to save, after the main one, with why it is offered (a failed task: save and re-arm). */
  alternative?: { label: string; hint: string; onSubmit: (input: TaskInput) => Promise<RequestError> };
  /** The task being edited: its id seeds the jitter of the preview. */
  taskId?: string;
}

const fieldOrder: TaskFormField[] = [
  'task_name',
  'task_schedule',
  'run_at',
  'depends_on',
  'timezone',
  'webhook_url',
  'http_method',
  'headers',
  'timeout_ms',
  'json_payload',
  'max_retry',
  'control',
  'priority',
  'alert_url',
];
const fieldIds: Record<TaskFormField, string> = {
  task_name: 'task-name',
  timing: 'task-timing-schedule',
  task_schedule: 'task-schedule',
  run_at: 'task-run-at',
  depends_on: 'task-depends-on',
  timezone: 'task-timezone',
  webhook_url: 'task-url',
  json_payload: 'task-payload',
  max_retry: 'task-max-retry',
  priority: 'task-priority',
  enabled: 'task-enabled',
  control: 'task-execution-control',
  http_method: 'task-http-method',
  headers: 'task-headers',
  timeout_ms: 'task-timeout',
  alert_url: 'task-alert-url',
};

/** The API names a bad header `headers.<name>`: the form shows it under its one headers field. */
function headersServerError(errors: Record<string, string>): string | undefined {
  const entry = Object.entries(errors).find(([field]) => field === 'headers' || field.startsWith('headers.'));
  return entry && (entry[0] === 'headers' ? entry[1] : `${entry[0].slice('headers.'.length)}: ${entry[1]}`);
}

export function TaskForm({
  initialValues,
  submitLabel,
  cancelTo,
  onSubmit,
  alternative,
  taskId,
}: TaskFormProps) {
  const [values, setValues] = useState(initialValues);
  const [touched, setTouched] = useState<Partial<Record<TaskFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  // Which button is saving, to say so on it.
  const [saving, setSaving] = useState<false | 'main' | 'alternative'>(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [serverMessage, setServerMessage] = useState<string>();
  const now = useNow();
  // Which button sent the form: Enter in a field sends the first, the main one.
  const useAlternative = useRef(false);

  // The schedule's next instants with the execution control applied, by the publisher's maths.
  const preview = useMemo(() => {
    const schedule = previewSchedule(values.task_schedule, values.timezone, now);
    if (schedule.kind !== 'valid') return schedule;
    const nextRuns = previewDueInstants(
      values.task_schedule.trim(),
      values.timezone,
      values.control,
      now,
      taskId,
    );
    return { ...schedule, nextRuns };
  }, [values.task_schedule, values.timezone, values.control, now, taskId]);
  const [controlTouched, setControlTouched] = useState<Partial<Record<ExecutionControlField, boolean>>>({});
  const controlErrors = validateExecutionControl(values.control, values.timezone);
  const shownControl = Object.fromEntries(
    (Object.keys(values.control) as ExecutionControlField[]).map((field) => [
      field,
      (submitted || controlTouched[field] ? controlErrors[field] : undefined) ?? serverErrors[field],
    ]),
  );
  // The instant the payload's placeholders are previewed for: the next run's, else now.
  const onceAt = runAtInstant(values);
  const nextDue =
    values.timing === 'once'
      ? onceAt
        ? new Date(onceAt)
        : now
      : preview.kind === 'valid'
        ? (preview.nextRuns[0] ?? now)
        : now;
  const errors = validateTaskForm(values, preview.kind === 'invalid' ? preview.message : undefined);
  const once = values.timing === 'once';
  const chained = values.timing === 'chain';
  const shown = (field: TaskFormField) =>
    (submitted || touched[field] ? errors[field] : undefined) ??
    (field === 'headers' ? headersServerError(serverErrors) : serverErrors[field]);

  const set = <K extends TaskFormField>(field: K, value: TaskFormValues[K]) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    setServerErrors((previous) =>
      Object.fromEntries(
        Object.entries(previous).filter(([name]) => name !== field && !name.startsWith(`${field}.`)),
      ),
    );
  };
  const touch = (field: TaskFormField) => () => setTouched((previous) => ({ ...previous, [field]: true }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setServerMessage(undefined);
    const firstInvalid = fieldOrder.find((field) => errors[field]);
    if (firstInvalid) {
      document.getElementById(fieldIds[firstInvalid])?.focus();
      return;
    }
    const via = useAlternative.current && alternative ? 'alternative' : 'main';
    setSaving(via);
    const error = await (via === 'alternative' && alternative ? alternative.onSubmit : onSubmit)(
      toTaskInput(values),
    );
    setSaving(false);
    if (error) {
      setServerErrors(fieldErrors(error));
      setServerMessage(errorMessage(error));
    }
  };

  return (
    <form
      noValidate
      onSubmit={(event) => void submit(event)}
      className={`${cardClass} space-y-5 p-5`}
      aria-label="Task"
    >
      {serverMessage && (
        <div
          role="alert"
          className="rounded-md bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200 dark:bg-rose-950/40 dark:text-rose-200 dark:ring-rose-900"
        >
          <p className="font-medium">The task was not saved</p>
          <p className="mt-1">{serverMessage}</p>
        </div>
      )}
      <FormField id="task-name" label="Name" error={shown('task_name')}>
        {(describedBy) => (
          <input
            id="task-name"
            className={inputClass}
            value={values.task_name}
            maxLength={200}
            placeholder="Nightly report"
            aria-invalid={shown('task_name') ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => set('task_name', event.target.value)}
            onBlur={touch('task_name')}
          />
        )}
      </FormField>

      <TimingChoice value={values.timing} onChange={(timing) => set('timing', timing)} />
      <div className="grid grid-cols-1 gap-4 md:grid-cols-[minmax(0,1fr)_16rem]">
        {once && (
          <OnceAtField
            id="task-run-at"
            value={values.run_at}
            timezone={values.timezone}
            now={now}
            error={shown('run_at')}
            onChange={(value) => set('run_at', value)}
            onBlur={touch('run_at')}
          />
        )}
        {chained && (
          <DependsOnField
            id="task-depends-on"
            value={values.depends_on}
            error={shown('depends_on')}
            onChange={(ids) => set('depends_on', ids)}
          />
        )}
        {/* Hidden rather than unmounted for "Once at": the cron typed so far stays, for a way back. */}
        <div hidden={once || chained}>
          <FormField id="task-schedule" label="Schedule (cron)" error={serverErrors.task_schedule}>
            {() => (
              <input
                id="task-schedule"
                className={`${inputClass} font-mono`}
                value={values.task_schedule}
                spellCheck={false}
                autoComplete="off"
                placeholder="*/5 * * * *"
                aria-invalid={preview.kind === 'invalid' || Boolean(serverErrors.task_schedule) || undefined}
                aria-describedby="task-schedule-preview"
                onChange={(event) => set('task_schedule', event.target.value)}
              />
            )}
          </FormField>
          <SchedulePreviewPanel id="task-schedule-preview" preview={preview} now={now} />
          {submitted && preview.kind === 'empty' && (
            <p className="mt-1 text-sm text-rose-600 dark:text-rose-400">{errors.task_schedule}</p>
          )}
        </div>
        <FormField
          id="task-timezone"
          label="Timezone"
          error={serverErrors.timezone}
          hint={once ? 'The date and time are read in this zone.' : 'The schedule is read in this zone.'}
        >
          {(describedBy) => (
            <TimezoneSelect
              id="task-timezone"
              value={values.timezone}
              describedBy={describedBy}
              invalid={Boolean(serverErrors.timezone)}
              onChange={(zone) => set('timezone', zone)}
            />
          )}
        </FormField>
      </div>

      <FormField
        id="task-url"
        label="Webhook URL"
        error={shown('webhook_url')}
        hint="The payload is sent here."
      >
        {(describedBy) => (
          <input
            id="task-url"
            type="url"
            inputMode="url"
            className={inputClass}
            value={values.webhook_url}
            placeholder="https://discord.com/api/webhooks/…"
            aria-invalid={shown('webhook_url') ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => set('webhook_url', event.target.value)}
            onBlur={touch('webhook_url')}
          />
        )}
      </FormField>

      <RequestOptionsFields values={values} error={shown} onChange={set} onBlur={touch} />

      <PayloadEditor
        value={values.json_payload}
        onChange={(text) => set('json_payload', text)}
        serverError={serverErrors.json_payload}
        method={values.http_method}
      />
      <DiscordPreview
        webhookUrl={values.webhook_url}
        payloadText={values.json_payload}
        task={{ id: taskId, task_name: values.task_name, timezone: values.timezone }}
        at={nextDue}
        now={now}
      />
      <SendTestPanel request={toWebhookTestInput(values, taskId)} />

      <ExecutionControlFields
        values={values.control}
        timezone={values.timezone}
        errors={shownControl}
        onChange={(field, value) => {
          setValues((previous) => ({ ...previous, control: { ...previous.control, [field]: value } }));
          setServerErrors(({ [field]: _dropped, ...rest }) => rest);
        }}
        onBlur={(field) => setControlTouched((previous) => ({ ...previous, [field]: true }))}
      />

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <FormField
          id="task-max-retry"
          label="Retries after a failed attempt"
          error={shown('max_retry')}
          hint={`0 to ${maxRetryLimit}. Retries back off exponentially.`}
        >
          {(describedBy) => (
            <input
              id="task-max-retry"
              type="number"
              min={0}
              max={maxRetryLimit}
              step={1}
              className={`${inputClass} sm:w-32`}
              value={values.max_retry}
              aria-invalid={shown('max_retry') ? true : undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('max_retry', event.target.value)}
              onBlur={touch('max_retry')}
            />
          )}
        </FormField>
        <FormField
          id="task-priority"
          label="Priority"
          error={shown('priority')}
          hint="1 (lowest) to 10 (highest). When runs wait, higher priority goes first."
        >
          {(describedBy) => (
            <input
              id="task-priority"
              type="number"
              min={1}
              max={10}
              step={1}
              className={`${inputClass} sm:w-32`}
              value={values.priority}
              aria-invalid={shown('priority') ? true : undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('priority', event.target.value)}
              onBlur={touch('priority')}
            />
          )}
        </FormField>
        <div className="flex items-center gap-3 sm:pt-6">
          <Switch
            id="task-enabled"
            label="Enabled"
            checked={values.enabled}
            onChange={(on) => set('enabled', on)}
          />
          <span className="text-sm text-slate-700 dark:text-slate-200" aria-hidden="true">
            {values.enabled ? 'Enabled: fires on schedule' : 'Paused: the publisher skips it'}
          </span>
        </div>
      </div>

      <FormField
        id="task-alert-url"
        label="Alert URL (optional)"
        error={shown('alert_url')}
        hint="Told when the task fails, is disabled by its webhook, recovers or is late: a Discord webhook gets a message, any other URL JSON, signed with the task’s secret. Empty: ALERT_WEBHOOK_URL only."
      >
        {(describedBy) => (
          <input
            id="task-alert-url"
            type="url"
            className={`${inputClass} font-mono`}
            value={values.alert_url}
            placeholder="https://discord.com/api/webhooks/…"
            aria-invalid={shown('alert_url') ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => set('alert_url', event.target.value)}
            onBlur={touch('alert_url')}
          />
        )}
      </FormField>

      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 pt-4 dark:border-slate-800">
        {alternative && (
          <p className="mr-auto text-sm text-slate-600 dark:text-slate-300">{alternative.hint}</p>
        )}
        <Link to={cancelTo} className={buttonSecondary}>
          Cancel
        </Link>
        <button
          type="submit"
          className={alternative ? buttonSecondary : buttonPrimary}
          disabled={saving !== false}
          onClick={() => (useAlternative.current = false)}
        >
          {saving === 'main' ? 'Saving…' : submitLabel}
        </button>
        {alternative && (
          <button
            type="submit"
            className={buttonPrimary}
            disabled={saving !== false}
            onClick={() => (useAlternative.current = true)}
          >
            {saving === 'alternative' ? 'Saving…' : alternative.label}
          </button>
        )}
      </div>
    </form>
  );
}
