import type { SerializedError } from '@reduxjs/toolkit';
import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import { isRecord } from '../lib/guards';
import type { ApiErrorBody } from './api-types';

export type RequestError = FetchBaseQueryError | SerializedError | undefined;

function apiErrorBody(data: unknown): ApiErrorBody['error'] | undefined {
  if (!isRecord(data) || !isRecord(data.error)) return undefined;
  const { code, message, details, timestamp } = data.error;
  if (typeof message !== 'string') return undefined;
  return {
    code: typeof code === 'string' ? code : 'ERROR',
    message,
    details: isRecord(details) ? details : {},
    timestamp: typeof timestamp === 'string' ? timestamp : '',
  };
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
  // A gateway status without the API's error shape: the proxy in front (the dashboard's own server) could not reach it.
  const status = error.status === 'PARSING_ERROR' ? error.originalStatus : error.status;
  if (status === 502 || status === 503 || status === 504) {
    return `Could not reach the API: the server in front of it answered HTTP ${status}. Check that the API is running.`;
  }
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

/**
 * Per-field messages from a validation error: the API's `details` maps each offending field to
 * what was wrong with it (`{ "webhook_url": "ftp: URLs are not supported: expected http or https" }`).
 * Other errors carry no field messages (their `details` is context, such as the task id).
 */
export function fieldErrors(error: RequestError): Record<string, string> {
  if (!error || !('status' in error)) return {};
  const body = apiErrorBody(error.data);
  if (!body || !['VALIDATION_ERROR', 'INVALID_SCHEDULE', 'PAYLOAD_TOO_LARGE'].includes(body.code)) return {};
  const result: Record<string, string> = {};
  if (isRecord(body.details)) {
    for (const [field, message] of Object.entries(body.details)) {
      if (typeof message === 'string') result[field] = message;
    }
  }
  return result;
}
