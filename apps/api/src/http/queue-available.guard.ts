import { type CanActivate, Inject, Injectable } from '@nestjs/common';
import type { Redis } from '@scheduler/queue';
import { ApiError } from './api-error';

export const REDIS = Symbol('Redis');

/** How long a request waits for a connection being (re)established before it answers 503. */
const READY_WAIT_MS = 1000;

/**
 * For routes that use the queue (run now, stats). The queue's client waits for its
 * first connection before any command, so while Redis has been unreachable since
 * start a request would hang; this answers 503 within a second instead. (Once
 * connected, commands fail fast by themselves.)
 */
@Injectable()
export class QueueAvailableGuard implements CanActivate {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async canActivate(): Promise<boolean> {
    if (this.redis.status === 'ready' || (await becomesReady(this.redis, READY_WAIT_MS))) return true;
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'Redis cannot be reached right now, so the queue cannot be used: try again shortly.',
      { redis: 'unavailable' },
    );
  }
}

function becomesReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}
