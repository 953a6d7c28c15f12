import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { type ErrorCode, errorStatus } from '../http/api-error';
import { ref, toOpenApi } from './components';
import { exampleRunId, exampleTaskId } from './examples';

export const API_KEY_SECURITY = 'api-key';
/** GET /metrics also takes `Authorization: Bearer <METRICS_TOKEN>`. */
export const METRICS_TOKEN_SECURITY = 'metrics-token';

const errorMeaning: Record<ErrorCode, string> = {
  VALIDATION_ERROR:
    'VALIDATION_ERROR: a field or parameter is invalid (`details` names each one with what was expected), the body is malformed JSON or not JSON (or present where the route takes none), or the URL is malformed (bad percent-encoding, a path segment over 1,000 characters).',
  INVALID_SCHEDULE:
    'INVALID_SCHEDULE: task_schedule does not parse; the message names the cron field, the value and the accepted range.',
  UNAUTHORIZED: 'UNAUTHORIZED: X-API-KEY is missing or wrong.',
  NOT_FOUND: 'NOT_FOUND: no task (or run) has this id (an id that is not a UUID included).',
  CONFLICT:
    'CONFLICT: the state forbids it — the task has a run in flight (it returns to ready when the run ends, or cancel it), there is no run to cancel, or the run has ended or cannot be retried; `details` says the status.',
  PAYLOAD_TOO_LARGE:
    'PAYLOAD_TOO_LARGE: json_payload is over 64 KiB serialized, or the request body over 1 MiB.',
  RATE_LIMITED:
    'RATE_LIMITED: over API_RATE_LIMIT requests per minute with this key, or over AUTH_FAILURES_PER_MINUTE refused keys from this address; Retry-After says when to retry.',
  INTERNAL_ERROR: 'INTERNAL_ERROR: an unexpected fault, logged by the API.',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE: PostgreSQL or Redis cannot be reached right now; retry shortly.',
};

/** One error response per status, listing the codes that come with it; all share the Error schema. */
export function ApiErrors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, sameStatus]) =>
      ApiResponse({
        status,
        description: sameStatus.map((code) => errorMeaning[code]).join(' '),
        schema: ref('Error'),
        ...(status === 429
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds until the count resets.',
                  schema: { type: 'integer' },
                },
              },
            }
          : {}),
      }),
    ),
  );
}

/**
 * A route that needs X-API-KEY, with the errors every such route can answer (a malformed
 * URL is a 400 on any of them), plus its own.
 */
export function ApiKeyRoute(...codes: ErrorCode[]) {
  const every: ErrorCode[] = [
    'VALIDATION_ERROR',
    'UNAUTHORIZED',
    'RATE_LIMITED',
    'SERVICE_UNAVAILABLE',
    'INTERNAL_ERROR',
  ];
  return applyDecorators(ApiSecurity(API_KEY_SECURITY), ApiErrors(...new Set([...codes, ...every])));
}

/** For POST routes that take no body: what they accept instead (NoBodyPipe). */
export const ApiNoBody = () =>
  ApiBody({
    required: false,
    description: 'Nothing, `{}` or `null`: the route takes no options; any field is refused (400).',
    schema: { type: 'object', nullable: true, maxProperties: 0 },
  });

/** The query parameters of a domain query schema, each documented from the schema itself. */
export function ApiQueryParams(schema: z.ZodType) {
  const properties = toOpenApi(schema, 'input').properties ?? {};
  return applyDecorators(
    ...Object.entries(properties).map(([name, property]) => {
      const { description, ...rest } = property as SchemaObject;
      return ApiQuery({ name, required: false, description, schema: rest });
    }),
  );
}

export const ApiTaskId = () =>
  ApiParam({
    name: 'id',
    description: 'The task id (a UUID; anything else answers 404).',
    schema: { type: 'string', format: 'uuid' },
    example: exampleTaskId,
  });

export const ApiRunId = () =>
  ApiParam({
    name: 'id',
    description: 'The run id (a UUID; anything else answers 404).',
    schema: { type: 'string', format: 'uuid' },
    example: exampleRunId,
  });
