import { describeError, type Logger } from '@scheduler/config';
import { type HealthRepository, isSchemaMissing } from '@scheduler/db';
import type { Redis } from '@scheduler/queue';

export type DependencyState = 'ok' | 'unavailable';
type Dependency = 'postgres' | 'redis';

export interface HealthReport {
  postgres: DependencyState;
  redis: DependencyState;
  /**
   * What is wrong with each dependency that is not ok, in words safe for anyone to read:
   * /health needs no key, so no address, no driver text (those go to the log).
   */
  problems: Partial<Record<Dependency, string>>;
}

/** A check that has not answered by then counts as down: /health must answer quickly, always. */
const CHECK_TIMEOUT_MS = 1000;

class SchemaMissing extends Error {}

export class HealthService {
  /** The last cause logged per dependency: a dependency down for an hour is logged once, not per check. */
  private readonly logged = new Map<Dependency, string>();

  constructor(
    private readonly database: HealthRepository,
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async check(): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([
      probe(() =>
        this.database.ping().catch((error: unknown) => {
          throw isSchemaMissing(error) ? new SchemaMissing(describeError(error)) : error;
        }),
      ),
      probe(async () => {
        await this.redis.ping();
      }),
    ]);
    const problems: HealthReport['problems'] = {};
    if (postgres) {
      problems.postgres =
        postgres.error instanceof SchemaMissing
          ? 'PostgreSQL answers, but the database is not migrated yet: run `npm run db:migrate`'
          : 'PostgreSQL cannot be reached';
    }
    if (redis) problems.redis = 'Redis is not answering';
    this.log('postgres', problems.postgres, postgres?.cause);
    this.log('redis', problems.redis, redis?.cause);
    return { postgres: postgres ? 'unavailable' : 'ok', redis: redis ? 'unavailable' : 'ok', problems };
  }

  private log(dependency: Dependency, problem: string | undefined, cause: string | undefined): void {
    const text = problem && cause ? `${problem} (${cause})` : undefined;
    if (text === this.logged.get(dependency)) return;
    if (text) {
      this.logger.warn(`health: ${text}`);
      this.logged.set(dependency, text);
    } else {
      this.logger.info(`health: ${dependency === 'postgres' ? 'PostgreSQL' : 'Redis'} answers again`);
      this.logged.delete(dependency);
    }
  }
}

interface Failure {
  error: unknown;
  cause: string;
}

/** Undefined when `check` succeeds in time, else what went wrong. */
async function probe(check: () => Promise<void>): Promise<Failure | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Failure>((resolve) => {
    timer = setTimeout(
      () => resolve({ error: undefined, cause: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      check().then(
        () => undefined,
        (error: unknown) => ({ error, cause: describeError(error) || 'unknown error' }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
