import type { SerializedError } from '@reduxjs/toolkit';
import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import { isRecord } from '../lib/guards';
import type { ApiErrorBody } from './api-types';

export type RequestError = FetchBaseQueryError | SerializedError | undefined;

function apiErrorBody(data: unknown): ApiErrorBody['error'] | undefined {
  if (!isRecord(data) || !isRecord(data.error)) return undefined;
  const { code, message } = data.error;
  if (typeof message !== 'string') return undefined;
  return { ...data.error, code: typeof code === 'string' ? code : 'ERROR', message };
}

/** The API's error code (`VALIDATION_ERROR`, `UNAUTHORIZED`, …), when the API answered with its error shape. */
export function errorCode(error: RequestError): string | undefined {
  if (error && 'status' in error) return apiErrorBody(error.data)?.code;
  return undefined;
}

/** One sentence for the user: the API's own message when there is one, else what went wrong on the way. */
export function errorMessage(error: RequestError): string {
  if (!error) return 'Something went wrong.';
  if (!('status' in error)) return error.message ?? 'Something went wrong.';
  const body = apiErrorBody(error.data);
  if (body) return body.message;
  switch (error.status) {
    case 'FETCH_ERROR':
      return `Could not reach the API (${error.error}). Check the API URL in Settings and that the API is running.`;
    case 'PARSING_ERROR':
      return `The API answered ${error.originalStatus} with a body that is not JSON. Is the API URL right?`;
    case 'TIMEOUT_ERROR':
      return 'The API did not answer in time.';
    case 'CUSTOM_ERROR':
      return error.error;
    default:
      return `The API answered with HTTP ${error.status}.`;
  }
}

function firstMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(firstMessage).find((m) => m !== undefined);
  if (isRecord(value)) {
    if (typeof value.message === 'string') return value.message;
    if (isRecord(value.constraints)) return firstMessage(Object.values(value.constraints));
  }
  return undefined;
}

function fieldName(item: Record<string, unknown>): string | undefined {
  const name = item.field ?? item.property ?? item.path;
  if (typeof name === 'string') return name;
  if (Array.isArray(name) && typeof name[0] === 'string') return name[0];
  return undefined;
}

/**
 * Per-field messages from an error's `details`. Accepts the shapes a validation layer commonly
 * produces: `{ field: message }`, `{ field: [messages] }`, `[{ field | property | path, message }]`,
 * optionally wrapped in `fields`, `errors` or `issues`.
 */
export function fieldErrors(error: RequestError): Record<string, string> {
  if (!error || !('status' in error)) return {};
  const body = apiErrorBody(error.data);
  if (!body) return {};
  const result: Record<string, string> = {};
  let details = body.details;
  if (isRecord(details)) {
    const wrapped = details.fields ?? details.errors ?? details.issues;
    if (wrapped !== undefined) details = wrapped;
  }
  if (Array.isArray(details)) {
    for (const item of details) {
      if (!isRecord(item)) continue;
      const name = fieldName(item);
      const message = firstMessage(item);
      if (name && message && !(name in result)) result[name] = message;
    }
  } else if (isRecord(details)) {
    for (const [name, value] of Object.entries(details)) {
      const message = firstMessage(value);
      if (message) result[name] = message;
    }
  }
  if (body.code === 'INVALID_SCHEDULE' && !result.task_schedule) result.task_schedule = body.message;
  return result;
}
