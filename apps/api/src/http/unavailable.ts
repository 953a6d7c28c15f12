import { isPostgresUnavailable } from '@scheduler/db';
import { isRedisUnavailable } from '@scheduler/queue';

/**
 * Tells an error that means "PostgreSQL or Redis cannot be reached right now" (answered
 * with 503, and the client may retry) from a real fault (500). Only connection-level
 * failures count: a query error from a live server is a fault.
 */
export type Dependency = 'postgres' | 'redis';

export function unavailableDependency(error: unknown): Dependency | undefined {
  if (!(error instanceof Error)) return undefined;
  if (isRedisUnavailable(error)) return 'redis';
  if (isPostgresUnavailable(error)) return 'postgres';
  if (error instanceof AggregateError) return unavailableDependency(error.errors[0]);
  return undefined;
}
