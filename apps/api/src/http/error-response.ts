import { HttpException } from '@nestjs/common';
import { RunNotFoundError, TaskConflictError, TaskNotFoundError, TaskValidationError } from '@scheduler/core';
import { ApiError, errorBody, type ErrorBody, type ErrorCode, errorStatus } from './api-error';
import { echoPrefix } from './echo';
import { unavailableDependency } from './unavailable';

/** The largest request body, in bytes (a task's payload is at most 64 KiB of it). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** A fault of ours, to log with its stack (never sent to the client). */
  unexpected: boolean;
  /** The client went away mid-request: there is nobody left to answer, and nothing of ours to log. */
  clientGone: boolean;
}

interface RequestLine {
  method: string;
  url: string;
  /** The incoming stream: when it failed, the error it failed with came from the client. */
  raw?: { errored?: Error | null };
}

/** The one place where anything thrown while serving a request becomes its error response. */
export function toErrorResponse(exception: unknown, request: RequestLine): ErrorResponse {
  // By where it comes from, not by its code: a client that aborts its body fails the
  // request stream with ECONNRESET, which from PostgreSQL's socket would mean an outage.
  if (exception instanceof Error && exception === request.raw?.errored) {
    const message =
      'The request body did not arrive whole (the client closed the connection): expected all of it.';
    return {
      status: 400,
      body: errorBody('VALIDATION_ERROR', message, { body: 'incomplete' }),
      unexpected: false,
      clientGone: true,
    };
  }
  const [code, message, details] = classify(exception, request);
  return {
    status: errorStatus[code],
    body: errorBody(code, message, details),
    unexpected: code === 'INTERNAL_ERROR',
    clientGone: false,
  };
}

type Classified = [ErrorCode, string, Record<string, unknown>?];

function classify(exception: unknown, request: RequestLine): Classified {
  if (exception instanceof ApiError) return [exception.code, exception.message, exception.details];
  if (exception instanceof TaskValidationError) return [exception.code, exception.message, exception.details];
  if (exception instanceof TaskNotFoundError) {
    return ['NOT_FOUND', exception.message, { task_id: exception.taskId }];
  }
  if (exception instanceof RunNotFoundError) {
    return ['NOT_FOUND', exception.message, { run_id: exception.runId }];
  }
  if (exception instanceof TaskConflictError) return ['CONFLICT', exception.message, exception.details];
  if (exception instanceof HttpException) return fromHttpStatus(exception, request);
  const dependency = unavailableDependency(exception);
  if (dependency) {
    // The cause names addresses and driver text: the API logs it (ApiExceptionFilter), the client gets none.
    const name = dependency === 'postgres' ? 'PostgreSQL' : 'Redis';
    return [
      'SERVICE_UNAVAILABLE',
      `${name} cannot be reached right now: try again shortly.`,
      { [dependency]: 'unavailable' },
    ];
  }
  return ['INTERNAL_ERROR', 'Something went wrong on our side; it has been logged.'];
}

/** Nest's own exceptions, and Fastify's errors that Nest wraps in one (body too large, bad URL…). */
function fromHttpStatus(exception: HttpException, request: RequestLine): Classified {
  const status = exception.getStatus();
  switch (status) {
    case 404:
      return [
        'NOT_FOUND',
        `No route ${request.method} ${echoPrefix(request.url.split('?')[0] ?? '')}: expected one of the routes listed at /api/docs.`,
      ];
    case 413:
      return [
        'PAYLOAD_TOO_LARGE',
        `The request body is too large: expected at most ${BODY_LIMIT_BYTES} bytes (1 MiB).`,
        { limit_bytes: BODY_LIMIT_BYTES },
      ];
    case 401:
      return ['UNAUTHORIZED', exception.message];
    case 429:
      return ['RATE_LIMITED', exception.message];
    default:
      return status >= 500
        ? ['INTERNAL_ERROR', 'Something went wrong on our side; it has been logged.']
        : ['VALIDATION_ERROR', `${exception.message}.`.replace(/\.\.$/, '.')];
  }
}
