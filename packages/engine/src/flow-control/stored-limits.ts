import type { Logger } from '@scheduler/config';
import type { DestinationRow } from '@scheduler/db';
import type { DestinationLimits } from './flow-control';

/** How often a worker reads the destinations table again: a limit set through the API applies within this. */
export const STORED_LIMITS_REFRESH_MS = 5_000;

/**
 * The limits users stored per destination (SPEC §12), kept in memory by each worker
 * and read again every few seconds: admission then costs no PostgreSQL round trip.
 */
export class StoredLimits {
  private byKey = new Map<string, Partial<DestinationLimits>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly load: () => Promise<DestinationRow[]>,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), STORED_LIMITS_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get(destination: string): Partial<DestinationLimits> | undefined {
    return this.byKey.get(destination);
  }

  private async refresh(): Promise<void> {
    try {
      const rows = await this.load();
      this.byKey = new Map(
        rows.map((row) => [
          row.key,
          {
            ...(row.max_concurrency !== null ? { maxConcurrency: row.max_concurrency } : {}),
            rateLimitMax: row.rate_limit_max,
            rateLimitPerSeconds: row.rate_limit_per_seconds,
          },
        ]),
      );
    } catch (error) {
      // The last limits read stay in force until PostgreSQL answers again.
      this.logger.debug(
        { err: error },
        'could not read the destinations’ limits: keeping the last ones read',
      );
    }
  }
}
