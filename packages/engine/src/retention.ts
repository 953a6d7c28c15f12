import type { Logger } from '@scheduler/config';
import { isPostgresUnavailable, isSchemaMissing, type RunRepository } from '@scheduler/db';

/** How often each publisher prunes the history (SPEC §11: at least once a minute). */
export const RETENTION_INTERVAL_MS = 60_000;
/** When the first pass comes after a publisher starts. */
const RETENTION_FIRST_PASS_MS = 5_000;
/** Runs deleted per statement: short statements, so a large backlog never holds locks for long. */
export const RETENTION_BATCH = 1000;
/** Statements per pass: a backlog is worked off over several passes, never in one long one. */
const RETENTION_BATCHES_PER_PASS = 20;

export interface RetentionDeps {
  runs: RunRepository;
  logger: Logger;
  /** HISTORY_RETENTION_DAYS; 0 keeps everything. */
  days: number;
  batchSize?: number;
}

/**
 * Deletes runs (with their attempts) that ended more than `days` days ago, in
 * bounded batches, never a task's latest run. Runs inside every publisher;
 * publishers share the work (SKIP LOCKED), so any number may run.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RetentionDeps) {}

  start(): void {
    if (this.deps.days <= 0) return;
    const pass = () => {
      this.running = this.prune().catch((error: unknown) => {
        if (isPostgresUnavailable(error) || isSchemaMissing(error))
          this.deps.logger.debug({ err: error }, 'history pruning failed');
        else this.deps.logger.error({ err: error }, 'history pruning failed');
      });
    };
    // A first pass soon after the start: a publisher restarted often still prunes.
    this.first = setTimeout(pass, RETENTION_FIRST_PASS_MS);
    this.first.unref();
    this.timer = setInterval(pass, RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.first);
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: batches until fewer than a full batch go, or the pass's bound is reached. Returns the runs deleted. */
  async prune(): Promise<number> {
    if (this.deps.days <= 0) return 0;
    const batch = this.deps.batchSize ?? RETENTION_BATCH;
    let deleted = 0;
    for (let i = 0; i < RETENTION_BATCHES_PER_PASS; i += 1) {
      const count = await this.deps.runs.pruneEnded(this.deps.days, batch);
      deleted += count;
      if (count < batch) break;
    }
    if (deleted > 0) {
      this.deps.logger.info(
        { deleted },
        `history: deleted ${deleted} runs that ended more than ${this.deps.days} days ago, with their attempts`,
      );
    }
    return deleted;
  }
}
