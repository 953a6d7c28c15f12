import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, fieldErrors } from './api-error';

const apiError = (status: number, error: Record<string, unknown>) => ({ status, data: { error } });

describe('API errors', () => {
  it("uses the API's own message and code", () => {
    const error = apiError(404, { code: 'NOT_FOUND', message: 'Task 42 does not exist.', details: {} });
    expect(errorMessage(error)).toBe('Task 42 does not exist.');
    expect(errorCode(error)).toBe('NOT_FOUND');
  });

  it('says what went wrong when there is no API body', () => {
    expect(errorMessage({ status: 'FETCH_ERROR', error: 'TypeError: Failed to fetch' })).toMatch(
      /Could not reach the API/,
    );
    expect(
      errorMessage({ status: 'PARSING_ERROR', originalStatus: 200, data: '<html>', error: 'bad' }),
    ).toMatch(/not JSON\. Is the API URL right\?/);
    expect(errorMessage({ status: 500, data: null })).toBe('The API answered with HTTP 500.');
    // What the dashboard's own server answers while the API is down.
    expect(errorMessage({ status: 502, data: null })).toBe(
      'Could not reach the API: the server in front of it answered HTTP 502. Check that the API is running.',
    );
    expect(
      errorMessage({ status: 'PARSING_ERROR', originalStatus: 504, data: 'Gateway Timeout', error: 'bad' }),
    ).toMatch(/Could not reach the API: .*HTTP 504/);
    expect(errorMessage({ message: 'boom' })).toBe('boom');
  });

  it("reads per-field messages from a validation error's details, as the API sends them", () => {
    expect(
      fieldErrors(
        apiError(400, {
          code: 'VALIDATION_ERROR',
          message: 'max_retry: expected a whole number from 0 to 10; webhook_url: …',
          details: {
            max_retry: 'expected a whole number from 0 to 10',
            webhook_url: 'ftp: URLs are not supported: expected http or https',
          },
          timestamp: '2025-05-01T08:00:00.000Z',
        }),
      ),
    ).toEqual({
      max_retry: 'expected a whole number from 0 to 10',
      webhook_url: 'ftp: URLs are not supported: expected http or https',
    });
    expect(
      fieldErrors(
        apiError(400, {
          code: 'INVALID_SCHEDULE',
          message: "task_schedule: Too large value '61' in minutes: expected values in the range 0-59.",
          details: { task_schedule: "Too large value '61' in minutes: expected values in the range 0-59." },
          timestamp: '2025-05-01T08:00:00.000Z',
        }),
      ),
    ).toEqual({ task_schedule: "Too large value '61' in minutes: expected values in the range 0-59." });
    expect(
      fieldErrors(
        apiError(413, {
          code: 'PAYLOAD_TOO_LARGE',
          message: 'json_payload: payload is 70010 bytes serialized: expected at most 65536 (64 KiB)',
          details: { json_payload: 'payload is 70010 bytes serialized: expected at most 65536 (64 KiB)' },
          timestamp: '2025-05-01T08:00:00.000Z',
        }),
      ),
    ).toEqual({ json_payload: 'payload is 70010 bytes serialized: expected at most 65536 (64 KiB)' });
    // A body over 1 MiB names no field.
    expect(
      fieldErrors(
        apiError(413, {
          code: 'PAYLOAD_TOO_LARGE',
          message: 'The request body is too large: expected at most 1048576 bytes (1 MiB).',
          details: { limit_bytes: 1048576 },
          timestamp: '2025-05-01T08:00:00.000Z',
        }),
      ),
    ).toEqual({});
  });

  it('finds no field messages in the context other errors carry', () => {
    const notFound = apiError(404, {
      code: 'NOT_FOUND',
      message: 'Task 42 does not exist.',
      details: { task_id: '42' },
      timestamp: '2025-05-01T08:00:00.000Z',
    });
    expect(fieldErrors(notFound)).toEqual({});
    expect(fieldErrors({ status: 'FETCH_ERROR', error: 'TypeError: Failed to fetch' })).toEqual({});
  });
});
