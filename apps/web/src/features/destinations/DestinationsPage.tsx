import { useState } from 'react';
import {
  useListDestinationsQuery,
  useResetDestinationMutation,
  useSetDestinationMutation,
} from '../../app/api';
import { errorMessage, fieldErrors } from '../../app/api-error';
import type { Destination, DestinationLimits } from '../../app/api-types';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import {
  buttonGhostDanger,
  buttonPrimary,
  cardClass,
  fieldErrorClass,
  inputClass,
  tableClass,
  tdClass,
  thClass,
} from '../../components/ui';
import { displayTimeZone, formatInstant } from '../../lib/time';
import { useRefreshOptions } from '../settings/use-refresh';
import { useToast } from '../toasts/use-toast';

/** SPEC §12: where webhooks go, their limits (editable), whether they are held and why, and what waits. */
export function DestinationsPage() {
  const { data, error, isFetching, refetch } = useListDestinationsQuery(undefined, useRefreshOptions());
  let body;
  if (!data && isFetching) body = <LoadingState label="Loading destinations…" />;
  else if (!data)
    body = (
      <ErrorState error={error} title="Could not load the destinations" onRetry={() => void refetch()} />
    );
  else if (data.data.length === 0)
    body = (
      <EmptyState title="No destinations yet.">A destination appears once a task aims at it.</EmptyState>
    );
  else
    body = (
      <div className="overflow-x-auto">
        <table className={tableClass} aria-label="Destinations">
          <thead>
            <tr>
              <th className={thClass}>Destination</th>
              <th className={thClass}>State</th>
              <th className={thClass}>In flight</th>
              <th className={thClass}>Waiting</th>
              <th className={thClass}>429s (1 h)</th>
              <th className={thClass}>Limits</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
            {data.data.map((destination) => (
              <DestinationRow key={destination.key} destination={destination} />
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <>
      <PageHeader
        title="Destinations"
        description={`Where webhooks go: each origin, and each Discord webhook. Limits apply across every worker. Times in ${displayTimeZone()}.`}
      />
      <section className={cardClass} aria-label="Destinations">
        {body}
      </section>
    </>
  );
}

function DestinationRow({ destination }: { destination: Destination }) {
  return (
    <tr>
      <td className={`${tdClass} font-mono text-xs break-all`}>{destination.key}</td>
      <td className={tdClass}>
        {destination.held_until ? (
          <span className="text-amber-700 dark:text-amber-400">
            Held until {formatInstant(destination.held_until)}
            {destination.held_reason ? `: ${destination.held_reason}` : ''}
          </span>
        ) : (
          'Sending'
        )}
      </td>
      <td className={tdClass}>{destination.in_flight}</td>
      <td className={tdClass}>{destination.waiting}</td>
      <td className={tdClass}>{destination.recent_429s}</td>
      <td className={tdClass}>
        <LimitsForm destination={destination} />
      </td>
    </tr>
  );
}

const text = (value: number | null) => (value === null ? '' : String(value));
/** An empty field clears the limit (null: the default); anything else goes to the API as typed, which says what is wrong. */
const limitValue = (value: string): number | null => (value.trim() === '' ? null : Number(value));

interface LimitFields {
  maxConcurrency: string;
  rateMax: string;
  ratePer: string;
}
const FIELDS = ['maxConcurrency', 'rateMax', 'ratePer'] as const;
const sameFields = (a: LimitFields, b: LimitFields) => FIELDS.every((field) => a[field] === b[field]);

function LimitsForm({ destination }: { destination: Destination }) {
  const stored: LimitFields = {
    maxConcurrency: text(destination.max_concurrency),
    rateMax: text(destination.rate_limit_max),
    ratePer: text(destination.rate_limit_per_seconds),
  };
  // What the form shows, and the stored limits it last took in.
  const [form, setForm] = useState({ fields: stored, shown: stored });
  // Limits changed elsewhere (saved, reset, another client) show in the form, except in a
  // field the user has typed in since: what they are typing is never replaced under them.
  if (!sameFields(stored, form.shown)) {
    const fields = { ...form.fields };
    for (const field of FIELDS) if (form.fields[field] === form.shown[field]) fields[field] = stored[field];
    setForm({ fields, shown: stored });
  }
  const { maxConcurrency, rateMax, ratePer } = form.fields;
  const setField = (field: keyof LimitFields, value: string) =>
    setForm((f) => ({ ...f, fields: { ...f.fields, [field]: value } }));
  const [save, saving] = useSetDestinationMutation();
  const [reset, resetting] = useResetDestinationMutation();
  const toast = useToast();
  const problems = saving.error ? fieldErrors(saving.error) : {};
  const label = (what: string) => `${what} of ${destination.key}`;

  const submit = async () => {
    const limits: DestinationLimits = {
      max_concurrency: limitValue(maxConcurrency),
      rate_limit_max: limitValue(rateMax),
      rate_limit_per_seconds: limitValue(ratePer),
    };
    const result = await save({ key: destination.key, limits });
    if ('error' in result) toast('error', errorMessage(result.error));
    else toast('success', `Limits of ${destination.key} saved`);
  };
  const resetLimits = async () => {
    const result = await reset(destination.key);
    if ('error' in result) toast('error', errorMessage(result.error));
    else {
      // A reset drops what was typed: the form shows the defaults as they arrive.
      setForm((f) => ({ ...f, fields: f.shown }));
      toast('success', `${destination.key} is back to the default limits`);
    }
  };

  return (
    <form
      className="flex flex-wrap items-start gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="w-28">
        <input
          className={inputClass}
          inputMode="numeric"
          aria-label={label('Max in flight')}
          placeholder="max in flight"
          value={maxConcurrency}
          aria-invalid={problems.max_concurrency ? true : undefined}
          onChange={(event) => setField('maxConcurrency', event.target.value)}
        />
        {problems.max_concurrency && <p className={fieldErrorClass}>{problems.max_concurrency}</p>}
      </div>
      <div className="w-28">
        <input
          className={inputClass}
          inputMode="numeric"
          aria-label={label('Requests per window')}
          placeholder="requests"
          value={rateMax}
          aria-invalid={problems.rate_limit_max ? true : undefined}
          onChange={(event) => setField('rateMax', event.target.value)}
        />
        {problems.rate_limit_max && <p className={fieldErrorClass}>{problems.rate_limit_max}</p>}
      </div>
      <div className="w-28">
        <input
          className={inputClass}
          inputMode="numeric"
          aria-label={label('Window in seconds')}
          placeholder="per seconds"
          value={ratePer}
          aria-invalid={problems.rate_limit_per_seconds ? true : undefined}
          onChange={(event) => setField('ratePer', event.target.value)}
        />
        {problems.rate_limit_per_seconds && (
          <p className={fieldErrorClass}>{problems.rate_limit_per_seconds}</p>
        )}
      </div>
      <button
        type="submit"
        className={buttonPrimary}
        disabled={saving.isLoading}
        aria-label={label('Save limits')}
      >
        Save
      </button>
      <button
        type="button"
        className={buttonGhostDanger}
        disabled={resetting.isLoading}
        aria-label={label('Reset limits')}
        onClick={() => void resetLimits()}
      >
        Reset
      </button>
    </form>
  );
}
