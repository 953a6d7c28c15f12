import { describeError } from '@scheduler/config';
import { type HealthRepository, isSchemaMissing } from '@scheduler/db';
import type { Redis } from '@scheduler/queue';

export type DependencyState = 'ok' | 'unavailable';

export interface HealthReport {
  postgres: DependencyState;
  redis: DependencyState;
  /** What went wrong with each dependency that is not ok. */
  problems: Partial<Record<'postgres' | 'redis', string>>;
}

/** A check that has not answered by then counts as down: /health must answer quickly, always. */
const CHECK_TIMEOUT_MS = 1000;

export class HealthService {
  constructor(
    private readonly database: HealthRepository,
    private readonly redis: Redis,
  ) {}

  async check(): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([
      probe(() =>
        this.database.ping().catch((error: unknown) => {
          if (!isSchemaMissing(error)) throw error;
          throw new Error(
            `it answers, but the database is not migrated (${describeError(error)}): run \`npm run db:migrate\``,
          );
        }),
      ),
      probe(async () => {
        await this.redis.ping();
      }),
    ]);
    const problems: HealthReport['problems'] = {};
    if (postgres) problems.postgres = `PostgreSQL cannot serve: ${postgres}`;
    if (redis) problems.redis = `Redis is not answering: ${redis}`;
    return { postgres: postgres ? 'unavailable' : 'ok', redis: redis ? 'unavailable' : 'ok', problems };
  }
}

/** Undefined when `check` succeeds in time, else why it did not. */
async function probe(check: () => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      check().then(
        () => undefined,
        (error: unknown) => describeError(error) || 'unknown error',
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
