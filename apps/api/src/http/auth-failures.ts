import type { Logger } from '@scheduler/config';
import type { Redis } from '@scheduler/queue';

const WINDOW_MS = 60_000;

/**
 * AUTH_FAILURES_PER_MINUTE: requests refused for a missing or wrong key, counted per
 * client address in Redis (shared by every API process) over a fixed one-minute window
 * that starts at the first refusal. Past the limit the address is refused everything
 * but the public routes until the window ends, the right key included: otherwise a
 * guesser would still learn which guess is right. While Redis is unreachable nothing
 * is counted (as for API_RATE_LIMIT): the limit must not take the API down.
 */
export class AuthFailureLimit {
  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    readonly perMinute: number,
    private readonly logger: Logger,
  ) {}

  /** Seconds until `address` may try again, or undefined when it is not blocked. */
  async blockedFor(address: string): Promise<number | undefined> {
    try {
      // One round trip for every request; the second only for an address that is blocked.
      if (Number(await this.redis.get(this.keyOf(address))) < this.perMinute) return undefined;
      const ttlMs = await this.redis.pttl(this.keyOf(address));
      return ttlMs > 0 ? Math.ceil(ttlMs / 1000) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Counts one refusal of `address`; says when this one reached the limit. */
  async recordFailure(address: string): Promise<void> {
    const key = this.keyOf(address);
    try {
      const results = await this.redis.multi().set(key, 0, 'PX', WINDOW_MS, 'NX').incr(key).pttl(key).exec();
      const count = Number(results?.[1]?.[1]);
      const ttlMs = Number(results?.[2]?.[1]);
      if (count === this.perMinute) {
        this.logger.warn(
          `${address} sent ${count} requests with a missing or wrong X-API-KEY within a minute (AUTH_FAILURES_PER_MINUTE): refusing it for ${Math.ceil(ttlMs / 1000)} s`,
        );
      }
    } catch {
      // Redis away: not counted.
    }
  }

  private keyOf(address: string): string {
    return `${this.redisPrefix}:auth-failures:${address}`;
  }
}
