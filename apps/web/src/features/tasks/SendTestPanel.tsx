import { useState } from 'react';
import { errorMessage, fieldErrors } from '../../app/api-error';
import { useTestWebhookMutation } from '../../app/api';
import type { WebhookTestInput, WebhookTestResult } from '../../app/api-types';
import { buttonSecondary, hintClass } from '../../components/ui';

interface SendTestPanelProps {
  /** The request as the form stands; undefined while the URL or the payload cannot be sent. */
  request: WebhookTestInput | undefined;
}

type Outcome = { kind: 'answered'; result: WebhookTestResult } | { kind: 'refused'; message: string };

/** The status line: what a person checks first. */
function statusLine(result: WebhookTestResult): string {
  // Flow control did not admit it (its destination held): nothing went out.
  if (result.http_status === null && result.error?.startsWith('not sent')) return 'Not sent';
  if (result.http_status === null) return `No answer after ${result.execution_time} ms`;
  return `HTTP ${result.http_status} · ${result.execution_time} ms`;
}

/**
 * "Send test" (SPEC §14): the form's request, sent once now through the API — the same checks
 * and client as a delivery, nothing recorded — and what came back: status, time and answer.
 */
export function SendTestPanel({ request }: SendTestPanelProps) {
  const [testWebhook, { isLoading }] = useTestWebhookMutation();
  const [outcome, setOutcome] = useState<Outcome>();

  const send = async () => {
    if (!request) return;
    setOutcome(undefined);
    const answer = await testWebhook(request);
    if ('data' in answer && answer.data) {
      setOutcome({ kind: 'answered', result: answer.data });
    } else if ('error' in answer) {
      const fields = Object.entries(fieldErrors(answer.error));
      setOutcome({
        kind: 'refused',
        message:
          fields.length > 0
            ? fields.map(([field, text]) => `${field}: ${text}`).join('; ')
            : errorMessage(answer.error),
      });
    }
  };

  const ok = outcome?.kind === 'answered' && outcome.result.error === null;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={buttonSecondary}
          disabled={!request || isLoading}
          onClick={() => void send()}
        >
          {isLoading ? 'Sending…' : 'Send test'}
        </button>
        <span className={hintClass}>
          {request
            ? 'Sends this payload once now, as a run would (placeholders rendered). Nothing is saved or recorded.'
            : 'A valid URL and payload are needed to send a test.'}
        </span>
      </div>
      {outcome && (
        <section
          aria-label="Test result"
          aria-live="polite"
          className={`rounded-md p-3 text-sm ring-1 ${
            ok
              ? 'bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-100 dark:ring-emerald-900'
              : 'bg-rose-50 text-rose-900 ring-rose-200 dark:bg-rose-950/40 dark:text-rose-100 dark:ring-rose-900'
          }`}
        >
          {outcome.kind === 'refused' ? (
            <p>Not sent: {outcome.message}</p>
          ) : (
            <>
              <p className="font-medium">{statusLine(outcome.result)}</p>
              {outcome.result.error && <p>{outcome.result.error}</p>}
              {outcome.result.response !== null && (
                <pre
                  aria-label="Answer"
                  className="mt-2 max-h-48 overflow-auto break-all whitespace-pre-wrap font-mono text-xs"
                >
                  {outcome.result.response === '' ? '(empty answer)' : outcome.result.response}
                </pre>
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}
