import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './generated/db';

export type Database = Kysely<DB>;

// int8 (count(*), sums) as a JS number: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// numeric (avg) as a JS number.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export interface DatabaseOptions {
  /** Pool size; defaults to 10. */
  max?: number;
  /**
   * How long a query waits for a connection before failing; defaults to waiting forever.
   * Request/response callers (the API) set it so an unreachable server fails a request
   * instead of holding it.
   */
  connectionTimeoutMillis?: number;
  /**
   * The longest a statement may run before PostgreSQL cancels it (error 57014);
   * defaults to no limit. The worker sets it: its attempt writes are short, and
   * one that hangs would hold up every attempt waiting behind it.
   */
  statementTimeoutMs?: number;
}

export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 0,
    // TCP keepalive from 10 s of silence: a connection whose peer vanished (a host
    // down, a network cut without a reset) fails instead of leaving its query
    // waiting forever.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // A lost connection (server restart, network cut) must not crash the process. The pool
  // listens on idle clients only; a client checked out for a query also emits 'error' when
  // its connection drops, and with no listener that would end the process. The query itself
  // still fails, and the pool drops the broken client when it comes back.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** The URL with `sslmode=disable` added when it names none, as node-postgres assumes. */
export function withDefaultSslMode(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.searchParams.has('sslmode')) url.searchParams.set('sslmode', 'disable');
  return url.toString();
}
