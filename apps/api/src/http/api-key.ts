import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import type { AuthFailureLimit } from './auth-failures';

// The routes anyone may call: the docs and the health check.
const PUBLIC_ROUTE = /^\/(health|api\/docs(-json)?(\/.*)?)$/;

/** True for requests that need no API key (and are not rate limited). */
export function isPublic(request: FastifyRequest): boolean {
  // CORS preflights carry no credentials; unknown routes answer 404 with or without a key.
  if (request.method === 'OPTIONS' || request.is404) return true;
  return PUBLIC_ROUTE.test(request.routeOptions.url ?? '');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * An onRequest hook: X-API-KEY must be the deployment's key. Both sides are hashed
 * first, so the comparison takes the same time whatever the length or the content
 * of the key sent (timingSafeEqual needs equal lengths). Every refusal counts against
 * the client's address; past AUTH_FAILURES_PER_MINUTE it is answered 429.
 */
export function apiKeyCheck(
  apiKey: string,
  failures: AuthFailureLimit,
  metricsToken?: string,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = sha256(apiKey);
  const expectedToken = metricsToken === undefined ? undefined : sha256(metricsToken);
  return async (request, reply) => {
    if (isPublic(request)) return;
    if (expectedToken && isMetrics(request) && bearerMatches(request.headers.authorization, expectedToken))
      return;
    const blockedFor = await failures.blockedFor(request.ip);
    if (blockedFor !== undefined) {
      void reply.header('retry-after', String(blockedFor));
      throw new ApiError(
        'RATE_LIMITED',
        `More than ${failures.perMinute} requests with a missing or wrong X-API-KEY from this address in a minute: expected at most ${failures.perMinute} per minute; retry in ${blockedFor} seconds.`,
        { auth_failures_per_minute: failures.perMinute, retry_after_seconds: blockedFor },
      );
    }
    const refusal = keyRefusal(request.headers['x-api-key'], expected);
    if (refusal) {
      await failures.recordFailure(request.ip);
      throw new ApiError('UNAUTHORIZED', refusal);
    }
  };
}

/** Nest's token for a KeyMatcher: /health adds its details for a caller with the key. */
export const API_KEY_MATCHER = Symbol('ApiKeyMatcher');
export type KeyMatcher = (provided: string | string[] | undefined) => boolean;

export function apiKeyMatcher(apiKey: string): KeyMatcher {
  const expected = sha256(apiKey);
  return (provided) => keyRefusal(provided, expected) === undefined;
}

/** GET /metrics: X-API-KEY, or the METRICS_TOKEN as a bearer token when one is set (SPEC §15). */
export function isMetrics(request: FastifyRequest): boolean {
  return request.routeOptions.url === '/metrics';
}

function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), expected);
}

/** Why the key sent is refused, or undefined when it is the right one. */
function keyRefusal(provided: string | string[] | undefined, expected: Buffer): string | undefined {
  if (provided === undefined || provided === '') {
    return 'Missing X-API-KEY header: expected the API key of this deployment.';
  }
  if (typeof provided !== 'string' || !timingSafeEqual(sha256(provided), expected)) {
    return 'Wrong X-API-KEY: expected the API key of this deployment.';
  }
  return undefined;
}

/** A name for the key in Redis that does not reveal it. */
export function apiKeyId(apiKey: string): string {
  return sha256(`rate-limit:${apiKey}`).toString('hex').slice(0, 16);
}
