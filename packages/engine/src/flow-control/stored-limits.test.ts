import { createLogger } from '@scheduler/config';
import type { DestinationRow } from '@scheduler/db';
import { announceLimitsChanged, type Redis } from '@scheduler/queue';
import { clearPrefix, testRedis, uniquePrefix, waitFor } from '@scheduler/test-support';
import { afterAll, expect, test } from 'vitest';
import { StoredLimits, STORED_LIMITS_REFRESH_MS } from './stored-limits';

// A limit stored through the API applies across the workers at once: each reads the limits
// again when a change is announced, not only every STORED_LIMITS_REFRESH_MS.
const redis: Redis = testRedis();
const prefix = uniquePrefix();
afterAll(async () => {
  await clearPrefix(redis, prefix);
  await redis.quit();
});

const logger = createLogger('test', { logLevel: 'fatal', logFormat: 'json' });
const row = (key: string, maxConcurrency: number | null): DestinationRow =>
  ({
    key,
    max_concurrency: maxConcurrency,
    rate_limit_max: null,
    rate_limit_per_seconds: null,
  }) as DestinationRow;

test('reads the limits again as soon as a change is announced', async () => {
  let stored = [row('https://a.example:443', 4)];
  const workers = [
    new StoredLimits(async () => stored, logger),
    new StoredLimits(async () => stored, logger),
  ];
  await Promise.all(workers.map((limits) => limits.start({ redis, prefix })));
  try {
    expect(workers.map((limits) => limits.get('https://a.example:443')?.maxConcurrency)).toEqual([4, 4]);

    stored = [row('https://a.example:443', 1)];
    const announcedAt = Date.now();
    // Subscribing takes a round trip: announce until both have heard (each announcement is one read).
    await waitFor(
      'both workers to apply the new limit',
      async () => {
        await announceLimitsChanged(redis, prefix);
        return workers.every((limits) => limits.get('https://a.example:443')?.maxConcurrency === 1);
      },
      STORED_LIMITS_REFRESH_MS - 1000,
    );
    expect(Date.now() - announcedAt).toBeLessThan(STORED_LIMITS_REFRESH_MS / 2);
  } finally {
    for (const limits of workers) limits.stop();
  }
});
