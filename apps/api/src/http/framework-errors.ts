import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './api-error';

/**
 * Errors Fastify raises before routing (a URL that does not decode, a parameter over
 * the length limit), which reach neither a route nor Nest's filter: same error shape.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const url = request.raw.url ?? '';
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? `Malformed URL ${url}: expected valid percent-encoding (such as %20).`
      : `${error.message}: expected a shorter URL.`;
  void reply.code(400).send(errorBody('VALIDATION_ERROR', message, { url }));
}
