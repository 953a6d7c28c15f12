import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './api-error';
import { echoPrefix } from './echo';

/**
 * Errors Fastify raises before routing (a URL that does not decode, a parameter over
 * the length limit), which reach neither a route nor Nest's filter: same error shape.
 * The URL is repeated once, cut short: a 16 KB URL must not make a 32 KB answer.
 */
export function frameworkErrors(
  maxParamLength: number,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const url = echoPrefix(request.raw.url ?? '');
    // Fastify's own messages quote the whole path: say it in our words instead.
    const message =
      error.code === 'FST_ERR_BAD_URL'
        ? 'Malformed URL: expected valid percent-encoding (such as %20).'
        : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? `A path segment of the URL is too long: expected at most ${maxParamLength} characters.`
          : 'The URL cannot be routed: expected one of the routes listed at /api/docs.';
    void reply.code(400).send(errorBody('VALIDATION_ERROR', message, { url }));
  };
}
