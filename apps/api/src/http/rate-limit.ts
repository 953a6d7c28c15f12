import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Redis } from '@scheduler/queue';
import { ApiError } from './api-error';
import { apiKeyId, isMetrics, isPublic } from './api-key';

export interface RateLimitOptions {
  apiKey: string;
  /** Requests per minute per key. */
  perMinute: number;
  redis: Redis;
  redisPrefix: string;
}

/**
 * API_RATE_LIMIT requests per minute per API key, counted in Redis so every API
 * process shares one count. Runs after the key check, so only valid keys are counted.
 * While Redis is down requests are let through: rate limiting must not take the API down.
 */
export async function registerRateLimit(
  app: NestFastifyApplication,
  options: RateLimitOptions,
): Promise<void> {
  const keyId = apiKeyId(options.apiKey);
  await app.register(rateLimit, {
    global: true,
    max: options.perMinute,
    timeWindow: 60_000,
    redis: options.redis,
    nameSpace: `${options.redisPrefix}:rate-limit:`,
    skipOnError: true,
    keyGenerator: () => keyId,
    // Scrapes are few and were let in by the key check (or the METRICS_TOKEN, which has no key to count).
    allowList: (request) => isPublic(request) || isMetrics(request),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'RATE_LIMITED',
        `More than ${options.perMinute} requests in a minute with this API key: expected at most ${options.perMinute} per minute; retry in ${context.after}.`,
        { limit_per_minute: options.perMinute, retry_after_seconds: Math.ceil(context.ttl / 1000) },
      ),
  });
}
