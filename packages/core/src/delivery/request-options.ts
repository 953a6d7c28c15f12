import { z } from 'zod';

/** SPEC §14 request options of a task: its method, its own headers, its timeout. */
export const httpMethods = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** Methods that send no body: json_payload is optional with them, stored as {}, and a non-empty one is refused. */
export const BODYLESS_METHODS: readonly HttpMethod[] = ['GET', 'DELETE'];

/** Whether `method` sends no body (GET, DELETE). */
export function isBodyless(method: string): boolean {
  return (BODYLESS_METHODS as readonly string[]).includes(method);
}

export const MAX_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 2048;
/** The smallest `timeout_ms`; the largest is WEBHOOK_TIMEOUT_MAX_MS, a setting. */
export const MIN_TIMEOUT_MS = 1000;

/** RFC 9110 §5.6.2: a header name is a token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the client sets itself, or that would change how the request is framed or routed. */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

export const httpMethod = z.enum(httpMethods, { error: `expected one of ${httpMethods.join(', ')}` });

/** Why a header name is refused; undefined when it may be sent. */
function headerNameProblem(name: string): string | undefined {
  if (!TOKEN.test(name)) {
    return `"${name.slice(0, 64)}" is not a header name: expected letters, digits and !#$%&'*+.^_\`|~- only`;
  }
  const lower = name.toLowerCase();
  if (FORBIDDEN_HEADERS.has(lower)) return `${name} is set by the HTTP client: expected another header`;
  if (lower.startsWith('webhook-')) {
    return `${name}: webhook-* headers carry the signature (webhook-id, webhook-timestamp, webhook-signature): expected another header`;
  }
  return undefined;
}

/** Why a header value is refused; undefined when it may be sent. */
function headerValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'expected a string value';
  if (value.length > MAX_HEADER_VALUE_LENGTH) {
    return `value of ${value.length} characters: expected at most ${MAX_HEADER_VALUE_LENGTH}`;
  }
  if (/[\r\n]/.test(value)) return 'value contains CR or LF: expected one line';
  // What HTTP/1.1 can carry in a field value: tab, visible ASCII, and bytes from 0x80 (RFC 9110 §5.5).
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
    return 'value contains a control character or one beyond Latin-1: expected printable text';
  }
  return undefined;
}

/** A task's headers: a JSON object, name → string, at most 20, each name and value checked. */
export const taskHeaders = z
  .record(z.string(), z.unknown(), { error: 'expected a JSON object of header names to string values' })
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) {
      ctx.addIssue({ code: 'custom', message: `${names.length} headers: expected at most ${MAX_HEADERS}` });
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const problem =
        headerNameProblem(name) ??
        (seen.has(name.toLowerCase())
          ? `${name} is given twice (names are compared without case)`
          : undefined) ??
        headerValueProblem(headers[name]);
      seen.add(name.toLowerCase());
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .transform((headers) => headers as Record<string, string>);

export const timeoutMs = z
  .number({ error: `expected a whole number of milliseconds from ${MIN_TIMEOUT_MS}` })
  .int(`expected a whole number of milliseconds from ${MIN_TIMEOUT_MS}`)
  .min(MIN_TIMEOUT_MS, `expected at least ${MIN_TIMEOUT_MS} ms`);

/** Header names whose values no answer shows (SPEC §14), compared without case. */
export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower === 'authorization' ||
    lower === 'cookie' ||
    ['token', 'secret', 'key', 'password'].some((word) => lower.includes(word))
  );
}

/** What a sensitive value is shown as: its last 4 characters when it is long enough to spare them. */
export function maskHeaderValue(value: string): string {
  return value.length >= 16 ? `********${value.slice(-4)}` : '********';
}

/** The headers as every answer shows them: sensitive values masked. */
export function maskedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isSensitiveHeader(name) ? maskHeaderValue(value) : value,
    ]),
  );
}

/**
 * New headers as sent back by a client that was shown masked ones (the edit form):
 * a value equal to the mask of the stored value of that name keeps the stored value.
 */
export function unmaskedHeaders(
  sent: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>>,
): Record<string, string> {
  const storedByName = new Map(Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]));
  return Object.fromEntries(
    Object.entries(sent).map(([name, value]) => {
      const before = storedByName.get(name.toLowerCase());
      const kept = before !== undefined && isSensitiveHeader(name) && value === maskHeaderValue(before);
      return [name, kept ? before : value];
    }),
  );
}

/** Whether a payload is empty ({} or []): the only one a GET or DELETE task may have. */
export function isEmptyPayload(payload: unknown): boolean {
  if (Array.isArray(payload)) return payload.length === 0;
  return typeof payload === 'object' && payload !== null && Object.keys(payload).length === 0;
}
