import { describeError, type Logger } from '@scheduler/config';
import { type ClusterRepository, type HealthRepository, isSchemaMissing } from '@scheduler/db';
import { aliveProcesses, type DeliveryQueue, type ProcessBeat, type Redis } from '@scheduler/queue';

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
  /** The publishers and workers alive (a heartbeat within 15 s); none while Redis is out of reach. */
  publishers: ProcessBeat[];
  workers: ProcessBeat[];
}

/** What /health adds for a caller with the key (SPEC §15); null where the store that knows is away. */
export interface HealthDetails {
  publishers: ProcessBeat[];
  workers: ProcessBeat[];
  queue: { waiting: number; prioritized: number; active: number; delayed: number; failed: number } | null;
  runs: { queued: number; running: number } | null;
  due_backlog: number | null;
  oldest_due_seconds: number | null;
  late_tasks: number | null;
  problems: Partial<Record<Dependency, string>>;
}

export interface HealthServiceDeps {
  database: HealthRepository;
  cluster: ClusterRepository;
  redis: Redis;
  queue: DeliveryQueue;
  prefix: string;
  lateAfterMs: number;
  /** The tasks late now, from PostgreSQL's count: less those waiting at a held or busy destination (SPEC §15). */
  lateTasks: (counted: number) => Promise<number>;
  logger: Logger;
}

/** A check that has not answered by then counts as down: /health must answer quickly, always. */
const CHECK_TIMEOUT_MS = 1000;

class SchemaMissing extends Error {}

export class HealthService {
  /** The last cause logged per dependency: a dependency down for an hour is logged once, not per check. */
  private readonly logged = new Map<Dependency, string>();

  constructor(private readonly deps: HealthServiceDeps) {}

  async check(): Promise<HealthReport> {
    const { database, redis: connection, prefix } = this.deps;
    let publishers: ProcessBeat[] = [];
    let workers: ProcessBeat[] = [];
    const [postgres, redis] = await Promise.all([
      probe(() =>
        database.ping().catch((error: unknown) => {
          throw isSchemaMissing(error) ? new SchemaMissing(describeError(error)) : error;
        }),
      ),
      // The heartbeats are the ping: Redis answers, and says who is alive.
      probe(async () => {
        [publishers, workers] = await Promise.all([
          aliveProcesses(connection, prefix, 'publisher'),
          aliveProcesses(connection, prefix, 'worker'),
        ]);
      }),
    ]);
    if (redis) [publishers, workers] = [[], []];
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
    return {
      postgres: postgres ? 'unavailable' : 'ok',
      redis: redis ? 'unavailable' : 'ok',
      problems,
      publishers,
      workers,
    };
  }

  /** The detailed view: who is alive, the queue's depth, the oldest due run, and what failed. */
  async details(report: HealthReport): Promise<HealthDetails> {
    const { cluster, queue, lateAfterMs } = this.deps;
    const [snapshot, jobs] = await Promise.all([
      report.postgres === 'ok' ? cluster.snapshot(lateAfterMs).catch(() => null) : null,
      report.redis === 'ok'
        ? queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed').catch(() => null)
        : null,
    ]);
    // Without Redis, which runs wait at a destination is not known: PostgreSQL's count stands.
    const lateTasks =
      snapshot && report.redis === 'ok'
        ? await this.deps.lateTasks(snapshot.lateTasks).catch(() => snapshot.lateTasks)
        : (snapshot?.lateTasks ?? null);
    return {
      publishers: report.publishers,
      workers: report.workers,
      queue: jobs && {
        waiting: jobs.waiting ?? 0,
        prioritized: jobs.prioritized ?? 0,
        active: jobs.active ?? 0,
        delayed: jobs.delayed ?? 0,
        failed: jobs.failed ?? 0,
      },
      runs: snapshot?.runs ?? null,
      due_backlog: snapshot?.dueBacklog ?? null,
      oldest_due_seconds: snapshot ? Math.round(snapshot.oldestDueSeconds * 1000) / 1000 : null,
      late_tasks: lateTasks,
      problems: report.problems,
    };
  }

  private log(dependency: Dependency, problem: string | undefined, cause: string | undefined): void {
    const text = problem && cause ? `${problem} (${cause})` : undefined;
    if (text === this.logged.get(dependency)) return;
    if (text) {
      this.deps.logger.warn(`health: ${text}`);
      this.logged.set(dependency, text);
    } else {
      this.deps.logger.info(`health: ${dependency === 'postgres' ? 'PostgreSQL' : 'Redis'} answers again`);
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
