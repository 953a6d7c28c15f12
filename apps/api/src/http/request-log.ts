import type { Logger } from '@scheduler/config';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Reads change nothing and an open dashboard makes several every few seconds, which buried the
 * changes at info (127 lines in 8 minutes of one tab): they are logged at debug.
 */
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An onResponse hook: one line per request, `POST /api/tasks 201 3.1 ms`; reads at debug. */
export function requestLog(logger: Logger): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const line = `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`;
    if (readMethods.has(request.method)) logger.debug(line);
    else logger.info(line);
  };
}
