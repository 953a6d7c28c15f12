/** The API's error codes (SPEC §6), each with the one HTTP status it is sent with. */
export const errorStatus = {
  VALIDATION_ERROR: 400,
  INVALID_SCHEDULE: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;
export const errorCodes = Object.keys(errorStatus) as ErrorCode[];

/** Every error response has this body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown>; timestamp: string };
}

export function errorBody(
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): ErrorBody {
  return { error: { code, message, details, timestamp: new Date().toISOString() } };
}

/**
 * An error raised by the HTTP layer itself (authentication, rate limit, body parsing,
 * an unreachable dependency): unlike the domain's errors it already knows its code.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
