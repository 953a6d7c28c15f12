import type { AllowList, AttemptOutcome, RateLimitSignals } from '@scheduler/core';
import {
  EMPTY_ALLOW_LIST,
  isDiscordWebhookUrl,
  parseRetryAfter,
  readRateLimitSignals,
  webhookGoneReason,
} from '@scheduler/core';
import { Agent, request } from 'undici';
import { type LookupFunction, refusedTarget, safeConnector } from './safe-connector';
import { signatureHeaders } from './signature';

/** How much of a response body is kept in `task_logs.message`. */
export const MESSAGE_CAP_BYTES = 4096;

export interface Delivery {
  outcome: AttemptOutcome;
  /** The response body (capped) or the error, for `task_logs.message`. */
  message: string;
  /** What the answer said about sending more (holds, bucket); none without an answer. */
  signals?: RateLimitSignals;
  /** The message id a Discord webhook answers with `?wait=true` (SPEC §14), for `task_logs.response_id`. */
  responseId?: string;
  /** The answer's body as received (its first MESSAGE_CAP_BYTES), when there was an answer. */
  body?: string;
}

/** What a task asks of one request, beyond its URL and payload. */
export interface DeliveryOptions {
  cancel?: AbortSignal;
  /** Sent as `webhook-id`. */
  runId?: string;
  /** The secrets that sign it (core's signingSecrets); none: unsigned. */
  signingSecrets?: readonly string[];
  method?: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
  /** The task's own headers, name → value. */
  headers?: Readonly<Record<string, string>>;
  /** The task's timeout; the client's (WEBHOOK_TIMEOUT_MS) otherwise. */
  timeoutMs?: number;
}

export interface WebhookClientOptions {
  /** WEBHOOK_ALLOWED_HOSTS, read; without it only public addresses are reached. */
  allowList?: AllowList;
  /** Resolves host names (tests stand in for DNS); the system's resolver by default. */
  lookup?: LookupFunction;
  now?: () => Date;
}

/**
 * POSTs payloads over one pooled, keep-alive HTTP client. Redirects are not
 * followed (a 3xx is an answer), and the whole exchange — connect, headers,
 * body — must fit in the timeout. Every connection is checked against the
 * safe-target rule on the address it is opened to (safe-connector.ts).
 */
export class WebhookClient {
  private readonly agent: Agent;
  private readonly now: () => Date;

  constructor(
    private readonly timeoutMs: number,
    options: WebhookClientOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    const connect = safeConnector(options.allowList ?? EMPTY_ALLOW_LIST, {
      timeoutMs,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, connect });
  }

  /**
   * Sends `payload` (POST unless `method` says otherwise; no body with GET and DELETE).
   * `runId` is sent as `webhook-id` (the same for every attempt of a run, so a receiver
   * can tell a redelivery), with `webhook-timestamp` and, when `signingSecrets` are
   * given, `webhook-signature` (Standard Webhooks); `headers` are the task's own;
   * `timeoutMs` replaces the client's timeout; `cancel` aborts the request (a cancelled run).
   */
  async post(url: string, payload: unknown, options: DeliveryOptions = {}): Promise<Delivery> {
    const { cancel, runId } = options;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const method = options.method ?? 'POST';
    // One controller per request, aborted by its timer or by the run's cancel: cheaper than
    // AbortSignal.timeout + AbortSignal.any (timers and weak references that GC must chase).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(timeoutError(timeoutMs)), timeoutMs);
    const onCancel = () => abort.abort(cancel?.reason);
    if (cancel?.aborted) onCancel();
    else cancel?.addEventListener('abort', onCancel, { once: true });
    const withBody = method !== 'GET' && method !== 'DELETE';
    const body = withBody ? JSON.stringify(payload) : '';
    try {
      const response = await request(url, {
        method,
        dispatcher: this.agent,
        // The task's own headers may replace the content type and the user agent, never the signature.
        headers: {
          ...(withBody ? { 'content-type': 'application/json' } : {}),
          'user-agent': 'task-scheduler',
          ...lowerCased(options.headers ?? {}),
          ...(runId ? signatureHeaders(options.signingSecrets ?? [], runId, this.now(), body) : {}),
        },
        ...(withBody ? { body } : {}),
        signal: abort.signal,
      });
      const answer = await readCapped(response.body);
      const httpStatus = response.statusCode;
      const signals = readRateLimitSignals(
        { httpStatus, headers: response.headers, body: answer },
        this.now(),
      );
      if (httpStatus >= 200 && httpStatus < 300) {
        const responseId = discordMessageId(url, answer);
        return {
          outcome: { kind: 'delivered', httpStatus },
          message: answer,
          body: answer,
          signals,
          ...(responseId ? { responseId } : {}),
        };
      }
      const retryAfter = response.headers['retry-after'];
      const retryAfterMs = parseRetryAfter(
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        this.now(),
      );
      const gone = webhookGoneReason(url, httpStatus, answer);
      return {
        outcome: {
          kind: 'http-error',
          httpStatus,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          ...(gone !== undefined ? { gone } : {}),
        },
        message: answer ? `HTTP ${httpStatus}: ${answer}` : `HTTP ${httpStatus}`,
        body: answer,
        signals,
      };
    } catch (error) {
      const refused = refusedTarget(error);
      if (refused) {
        const message = `refused: ${refused.message}`;
        return { outcome: { kind: 'refused', message }, message };
      }
      if (cancel?.aborted) {
        const message = 'aborted: the run was cancelled';
        return { outcome: { kind: 'network-error', message }, message };
      }
      if (isTimeout(error)) {
        return {
          outcome: { kind: 'timeout', timeoutMs },
          message: `timed out after ${timeoutMs} ms`,
        };
      }
      const message = describeNetworkError(error);
      return { outcome: { kind: 'network-error', message }, message };
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The `id` of the message a Discord webhook posted, when it was asked to answer with it (`?wait=true`). */
function discordMessageId(url: string, answer: string): string | undefined {
  // The cheap test first: most answers are not to a URL that asked to wait.
  if (!url.includes('wait=') || !isDiscordWebhookUrl(url) || new URL(url).searchParams.get('wait') !== 'true')
    return undefined;
  try {
    const message = JSON.parse(answer) as { id?: unknown };
    return typeof message.id === 'string' ? message.id : undefined;
  } catch {
    return undefined;
  }
}

/** Header names in lower case, so a task's `Content-Type` replaces ours instead of being sent beside it. */
function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body) {
    if (kept < MESSAGE_CAP_BYTES) {
      const slice = chunk.subarray(0, MESSAGE_CAP_BYTES - kept);
      chunks.push(slice);
      kept += slice.length;
    }
    if (kept >= MESSAGE_CAP_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`timed out after ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'TimeoutError' ||
    error.name === 'AbortError' ||
    ('code' in error &&
      (error.code === 'UND_ERR_CONNECT_TIMEOUT' || error.code === 'UND_ERR_HEADERS_TIMEOUT'))
  );
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}
