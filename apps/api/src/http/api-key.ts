import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

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
 * of the key sent (timingSafeEqual needs equal lengths).
 */
export function apiKeyCheck(apiKey: string): (request: FastifyRequest) => Promise<void> {
  const expected = sha256(apiKey);
  return async (request) => {
    if (isPublic(request)) return;
    const provided = request.headers['x-api-key'];
    if (provided === undefined || provided === '') {
      throw new ApiError(
        'UNAUTHORIZED',
        'Missing X-API-KEY header: expected the API key of this deployment.',
      );
    }
    if (typeof provided !== 'string' || !timingSafeEqual(sha256(provided), expected)) {
      throw new ApiError('UNAUTHORIZED', 'Wrong X-API-KEY: expected the API key of this deployment.');
    }
  };
}

/** A name for the key in Redis that does not reveal it. */
export function apiKeyId(apiKey: string): string {
  return sha256(`rate-limit:${apiKey}`).toString('hex').slice(0, 16);
}
