import { useState, type FormEvent } from 'react';
import { errorMessage, type RequestError } from '../../app/api-error';
import { useCheckConnectionMutation } from '../../app/api';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import {
  buttonPrimary,
  buttonSecondary,
  cardClass,
  fieldErrorClass,
  hintClass,
  inputClass,
  labelClass,
} from '../../components/ui';
import { useToast } from '../toasts/use-toast';
import { apiUrlProblem, connectionSaved, selectApiKey, selectApiUrl } from './settingsSlice';

export function ConnectionForm() {
  const dispatch = useAppDispatch();
  const toast = useToast();
  const savedUrl = useAppSelector(selectApiUrl);
  const savedKey = useAppSelector(selectApiKey);
  const [apiUrl, setApiUrl] = useState(savedUrl);
  const [apiKey, setApiKey] = useState(savedKey);
  const [showKey, setShowKey] = useState(false);
  const [check, checkState] = useCheckConnectionMutation();
  const urlProblem = apiUrlProblem(apiUrl);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (urlProblem) return;
    dispatch(connectionSaved({ apiUrl, apiKey }));
    toast('success', 'Connection settings saved.');
  };

  return (
    <section className={`${cardClass} p-5`} aria-labelledby="connection-title">
      <h2 id="connection-title" className="text-base font-semibold">
        API connection
      </h2>
      <form className="mt-4 space-y-4" onSubmit={onSubmit} noValidate>
        <div>
          <label htmlFor="api-url" className={labelClass}>
            API URL
          </label>
          <input
            id="api-url"
            className={`${inputClass} mt-1`}
            type="url"
            inputMode="url"
            placeholder="Same origin as this dashboard"
            value={apiUrl}
            aria-invalid={urlProblem ? true : undefined}
            aria-describedby="api-url-hint"
            onChange={(event) => {
              setApiUrl(event.target.value);
              checkState.reset();
            }}
          />
          {urlProblem ? (
            <p id="api-url-hint" className={fieldErrorClass}>
              {urlProblem}
            </p>
          ) : (
            <p id="api-url-hint" className={hintClass}>
              Leave empty when the dashboard is served with the API behind it (npm start does this). An
              absolute URL such as http://localhost:3000 must be allowed by the API's CORS_ORIGIN.
            </p>
          )}
        </div>
        <div>
          <label htmlFor="api-key" className={labelClass}>
            API key
          </label>
          <div className="mt-1 flex gap-2">
            <input
              id="api-key"
              className={inputClass}
              type={showKey ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              aria-describedby="api-key-hint"
              onChange={(event) => {
                setApiKey(event.target.value);
                checkState.reset();
              }}
            />
            <button
              type="button"
              className={buttonSecondary}
              aria-pressed={showKey}
              onClick={() => setShowKey((shown) => !shown)}
            >
              {showKey ? 'Hide' : 'Show'}
            </button>
          </div>
          <p id="api-key-hint" className={hintClass}>
            The server's API_KEY, sent as the X-API-KEY header.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="submit" className={buttonPrimary} disabled={Boolean(urlProblem)}>
            Save
          </button>
          <button
            type="button"
            className={buttonSecondary}
            disabled={Boolean(urlProblem) || checkState.isLoading}
            onClick={() => void check({ apiUrl, apiKey })}
          >
            {checkState.isLoading ? 'Testing…' : 'Test connection'}
          </button>
        </div>
        <ConnectionResult
          taskCount={checkState.isSuccess ? checkState.data.tasks.total : undefined}
          error={checkState.isError ? checkState.error : undefined}
        />
      </form>
    </section>
  );
}

function ConnectionResult({ taskCount, error }: { taskCount?: number; error?: RequestError }) {
  if (taskCount !== undefined) {
    return (
      <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
        Connected: the API answered and knows {taskCount} task{taskCount === 1 ? '' : 's'}.
      </p>
    );
  }
  if (error) {
    return (
      <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
        Connection failed: {errorMessage(error)}
      </p>
    );
  }
  return null;
}
