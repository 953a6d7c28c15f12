/**
 * Tells an error that means "PostgreSQL or Redis cannot be reached right now" (answered
 * with 503, and the client may retry) from a real fault (500). Only connection-level
 * failures count: a query error from a live server is a fault.
 */
export type Dependency = 'postgres' | 'redis';

// Node's socket errors; PostgreSQL's classes 08 (connection), 28 (refused credentials) and
// 57P0x (shutting down), and a database that does not exist (3D000): it cannot serve either way.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '3D000',
]);

// What ioredis (with no offline queue) and BullMQ say when Redis is out of reach.
const REDIS_DOWN =
  /enableOfflineQueue|Connection is closed|Command timed out|Reached the max retries per request/;
// What node-postgres and its pool say when PostgreSQL is out of reach.
const POSTGRES_DOWN = /timeout exceeded when trying to connect|Connection terminated|the database system is/;

export function unavailableDependency(error: unknown): Dependency | undefined {
  if (!(error instanceof Error)) return undefined;
  if (REDIS_DOWN.test(error.message) || error.name === 'MaxRetriesPerRequestError') return 'redis';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|28)/.test(code))) return 'postgres';
  if (POSTGRES_DOWN.test(error.message)) return 'postgres';
  if (error instanceof AggregateError) return unavailableDependency(error.errors[0]);
  return undefined;
}

/** A one-line reason, even for errors without a message (Node's AggregateError on ECONNREFUSED). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : error.name);
}
