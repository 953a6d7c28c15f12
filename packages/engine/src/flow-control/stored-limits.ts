import type { Logger } from '@scheduler/config';
import type { DestinationRow } from '@scheduler/db';
import { limitsChangedChannel, type Redis } from '@scheduler/queue';
import type { DestinationLimits } from './flow-control';

/** How often a worker reads the destinations table again: a limit set through the API applies within this. */
export const STORED_LIMITS_REFRESH_MS = 5_000;

/**
 * The limits users stored per destination (SPEC §12), kept in memory by each worker
 * and read again every few seconds: admission then costs no PostgreSQL round trip. Given
 * Redis, it also reads them again as soon as a change is announced (the API and the CLI
 * announce each one), so a limit set applies across the workers at once.
 */
export class StoredLimits {
  private byKey = new Map<string, Partial<DestinationLimits>>();
  private timer: NodeJS.Timeout | undefined;
  private subscriber: Redis | undefined;
  /** Which read is the latest asked for: an older one that ends after it is dropped. */
  private reads = 0;

  constructor(
    private readonly load: () => Promise<DestinationRow[]>,
    private readonly logger: Logger,
  ) {}

  async start(announced?: { redis: Redis; prefix: string }): Promise<void> {
    if (announced) this.listen(announced.redis, announced.prefix);
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), STORED_LIMITS_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) void subscriber.quit().catch(() => subscriber.disconnect());
  }

  get(destination: string): Partial<DestinationLimits> | undefined {
    return this.byKey.get(destination);
  }

  /** Reads the limits again whenever a change is announced (a connection in subscriber mode does nothing else). */
  private listen(redis: Redis, prefix: string): void {
    // Its own connection, that waits to connect: the given one may fail fast (the API's), and a
    // subscribe sent before it had connected failed at every start. It subscribes again after
    // a reconnect.
    const subscriber = redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', () => void this.refresh());
    subscriber.subscribe(limitsChangedChannel(prefix)).catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        `could not listen for changed limits: a change applies within ${STORED_LIMITS_REFRESH_MS / 1000} s`,
      );
    });
  }

  private async refresh(): Promise<void> {
    const read = ++this.reads;
    try {
      const rows = await this.load();
      if (read !== this.reads) return;
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
