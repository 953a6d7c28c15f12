import { isPostgresUnavailable } from '@scheduler/db';

/**
 * Tells an error that means "PostgreSQL or Redis cannot be reached right now" (answered
 * with 503, and the client may retry) from a real fault (500). Only connection-level
 * failures count: a query error from a live server is a fault.
 */
export type Dependency = 'postgres' | 'redis';

// What ioredis (with no offline queue) and BullMQ say when Redis is out of reach.
const REDIS_DOWN =
  /enableOfflineQueue|Connection is closed|Command timed out|Reached the max retries per request/;

export function unavailableDependency(error: unknown): Dependency | undefined {
  if (!(error instanceof Error)) return undefined;
  if (REDIS_DOWN.test(error.message) || error.name === 'MaxRetriesPerRequestError') return 'redis';
  if (isPostgresUnavailable(error)) return 'postgres';
  if (error instanceof AggregateError) return unavailableDependency(error.errors[0]);
  return undefined;
}

/** A one-line reason, even for errors without a message (Node's AggregateError on ECONNREFUSED). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : error.name);
}
