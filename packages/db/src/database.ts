import { Kysely, PostgresDialect, type RawBuilder, sql } from 'kysely';
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

/** How a statement asks to be prepared: its text starts with this comment, then its name. */
const PREPARED_MARK = '/* prepared: ';

/**
 * A statement run as a named prepared statement on each connection: PostgreSQL parses it
 * once per connection, and plans it once when its generic plan costs no more than a custom
 * one. For the worker's hot statements, run many times a second with only their arrays
 * changing, where parsing and planning a statement of several CTEs cost as much as running
 * it. Its text must not change from call to call (values go in parameters, not in the text).
 */
export function prepared<T>(name: string, statement: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(`${PREPARED_MARK}${name} */ `)}${statement}`;
}

/**
 * A generic plan is made from the tables' sizes of its time, and kept. Made while they were
 * nearly empty, it may scan a table whole that has grown since; where no ANALYZE runs
 * (autovacuum off) nothing makes it again. So a statement is prepared anew after its 64th,
 * 512th and 4096th execution on a connection (a generation each; a few statements per
 * connection in all): its plan follows the tables as they fill.
 */
function replanGeneration(executions: number): number {
  if (executions <= 64) return 0;
  if (executions <= 512) return 1;
  return executions <= 4096 ? 2 : 3;
}

/**
 * node-postgres's client, which runs a statement marked by `prepared` under its name: parsed
 * on a connection's first use, by name after that. (A name given with another text fails
 * loudly: node-postgres refuses to reuse a name for a different statement.)
 */
class PreparingClient extends pg.Client {
  /** Executions of each prepared statement on this connection so far. */
  private readonly executions = new Map<string, number>();

  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && text.startsWith(PREPARED_MARK) && Array.isArray(values)) {
      const name = text.slice(PREPARED_MARK.length, text.indexOf(' */'));
      const executions = (this.executions.get(name) ?? 0) + 1;
      this.executions.set(name, executions);
      return super.query({ name: `${name}.${replanGeneration(executions)}`, text, values }) as never;
    }
    return (super.query as (...a: unknown[]) => unknown)(...args) as never;
  }
}

export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    Client: PreparingClient,
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
