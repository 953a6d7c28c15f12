import type { Logger } from '@scheduler/config';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An onResponse hook: one line per request, `GET /api/tasks 200 3.1 ms`. */
export function requestLog(logger: Logger): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    logger.info(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
  };
}
