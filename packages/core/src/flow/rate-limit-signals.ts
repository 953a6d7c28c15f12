import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../retry';

/** What a webhook's answer says about when to send it more (SPEC §12). */
export interface RateLimitSignals {
  /** A 429 or 503 that said how long to wait: the destination (or, `global`, every Discord destination) is held that long. */
  hold?: {
    ms: number;
    /** Why, for the destination's `held_reason` and the log. */
    reason: string;
    global: boolean;
    /** The answer asked for more than MAX_RETRY_AFTER_MS (then `ms` is that cap). */
    capped: boolean;
  };
  /** The bucket headers (`X-RateLimit-Limit`, `-Remaining`, `-Reset-After`), on any answer, 2xx included. */
  bucket?: { limit: number; remaining: number; resetAfterMs: number | undefined };
}

export interface RateLimitAnswer {
  httpStatus: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The response body as text (capped). */
  body: string;
}

/**
 * Reads an answer's rate-limit signals. A hold comes only from a 429 or 503 (a
 * Retry-After on a 2xx asks nothing); Retry-After may be seconds or an HTTP date,
 * a JSON body's `retry_after` (Discord's, fractional seconds) is preferred when both
 * are there (the header is rounded up to whole seconds). Negative, unreadable or past
 * values are ignored; a wait longer than an hour is cut to an hour (`capped`).
 */
export function readRateLimitSignals(answer: RateLimitAnswer, now: Date): RateLimitSignals {
  const signals: RateLimitSignals = {};
  const bucket = readBucket(answer.headers, now);
  if (bucket) signals.bucket = bucket;
  if (answer.httpStatus !== 429 && answer.httpStatus !== 503) return signals;
  const json = parseJsonObject(answer.body);
  const global =
    json?.global === true || header(answer.headers, 'x-ratelimit-global')?.toLowerCase() === 'true';
  const bodySeconds = typeof json?.retry_after === 'number' ? json.retry_after : undefined;
  const fromBody =
    bodySeconds !== undefined && Number.isFinite(bodySeconds) && bodySeconds > 0
      ? bodySeconds * 1000
      : undefined;
  const fromHeader = readRetryAfterMs(header(answer.headers, 'retry-after'), now);
  const asked = fromBody ?? fromHeader;
  if (asked === undefined || asked <= 0) return signals;
  const capped = asked > MAX_RETRY_AFTER_MS;
  const ms = Math.ceil(Math.min(asked, MAX_RETRY_AFTER_MS));
  const source = fromBody !== undefined ? 'retry_after' : 'Retry-After';
  const reason = global
    ? `Discord global rate limit (HTTP ${answer.httpStatus}, ${source} ${formatSeconds(asked)})`
    : `HTTP ${answer.httpStatus} with ${source} ${formatSeconds(asked)}`;
  signals.hold = { ms, reason, global, capped };
  return signals;
}

/** Retry-After as milliseconds: whole or fractional seconds, or an HTTP date; undefined when negative, unreadable or past. */
export function readRetryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+\.\d+$/.test(text)) return Number(text) * 1000;
  const ms = parseRetryAfter(text, now);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function readBucket(headers: RateLimitAnswer['headers'], now: Date): RateLimitSignals['bucket'] | undefined {
  const limit = wholeNumber(header(headers, 'x-ratelimit-limit'));
  const remaining = wholeNumber(header(headers, 'x-ratelimit-remaining'));
  if (limit === undefined || remaining === undefined || limit < 1) return undefined;
  let resetAfterMs = seconds(header(headers, 'x-ratelimit-reset-after'));
  if (resetAfterMs === undefined) {
    const resetAt = seconds(header(headers, 'x-ratelimit-reset'));
    if (resetAt !== undefined && resetAt > now.getTime()) resetAfterMs = resetAt - now.getTime();
  }
  if (resetAfterMs !== undefined) resetAfterMs = Math.min(Math.ceil(resetAfterMs), MAX_RETRY_AFTER_MS);
  return { limit, remaining: Math.min(remaining, limit), resetAfterMs };
}

function header(headers: RateLimitAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Seconds, possibly fractional, as milliseconds; undefined unless a non-negative number. */
function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value) * 1000;
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
