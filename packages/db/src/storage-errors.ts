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

// What node-postgres and its pool say when PostgreSQL is out of reach.
const POSTGRES_DOWN = /timeout exceeded when trying to connect|Connection terminated|the database system is/;

// A live server that may well answer the same statement next time: serialization
// failure or deadlock (40), out of resources such as connections (53), a lock not
// available (55P03), a statement cancelled or timed out (57014).
const MAY_PASS = /^(40|53)|^55P03$|^57014$/;

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * PostgreSQL cannot be reached right now (down, restarting, refusing us). Only
 * connection-level failures count: a query error from a live server is not one.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (code !== undefined && (CONNECTION_CODES.has(code) || /^(08|28)/.test(code))) return true;
  if (POSTGRES_DOWN.test(error.message)) return true;
  return error instanceof AggregateError && isPostgresUnavailable(error.errors[0]);
}

/**
 * The same write may succeed if made again later: PostgreSQL is unavailable, or
 * it refused for a passing reason. Anything else (a constraint, a type, a missing
 * column after a half-done upgrade) is a fault that would fail the same way every time.
 */
export function isTransientStorageError(error: unknown): boolean {
  if (isPostgresUnavailable(error)) return true;
  const code = error instanceof Error ? codeOf(error) : undefined;
  return code !== undefined && MAY_PASS.test(code);
}

/**
 * The database or its tables are not there: it was never migrated
 * (`npm run db:migrate` creates both).
 */
export function isSchemaMissing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  return code === '42P01' || code === '3D000';
}
