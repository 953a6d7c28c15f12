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
    expect(errorMessage({ status: 502, data: null })).toMatch(/502/);
    expect(errorMessage({ message: 'boom' })).toBe('boom');
  });

  it('reads per-field messages from the shapes a validation layer produces', () => {
    expect(
      fieldErrors(
        apiError(400, { code: 'VALIDATION_ERROR', message: 'x', details: { max_retry: 'too big' } }),
      ),
    ).toEqual({
      max_retry: 'too big',
    });
    expect(
      fieldErrors(
        apiError(400, {
          code: 'VALIDATION_ERROR',
          message: 'x',
          details: { issues: [{ path: ['webhook_url'], message: 'expected http(s)' }] },
        }),
      ),
    ).toEqual({ webhook_url: 'expected http(s)' });
    expect(
      fieldErrors(
        apiError(400, {
          code: 'VALIDATION_ERROR',
          message: 'x',
          details: [{ property: 'task_name', constraints: { maxLength: 'at most 200' } }],
        }),
      ),
    ).toEqual({ task_name: 'at most 200' });
    expect(
      fieldErrors(
        apiError(400, {
          code: 'VALIDATION_ERROR',
          message: 'x',
          details: { fields: { timezone: ['unknown'] } },
        }),
      ),
    ).toEqual({
      timezone: 'unknown',
    });
  });

  it('puts an INVALID_SCHEDULE message on the schedule field', () => {
    expect(
      fieldErrors(apiError(400, { code: 'INVALID_SCHEDULE', message: 'Too large value', details: {} })),
    ).toEqual({
      task_schedule: 'Too large value',
    });
  });
});
