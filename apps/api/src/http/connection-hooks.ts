import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

/**
 * An onRequest hook: HTTP/1.1 requires a Host header. Node's own check answers 400 with
 * an empty body, so it is off (`requireHostHeader: false`) and this says it in the error shape.
 */
export async function requireHost(request: FastifyRequest): Promise<void> {
  if (request.raw.httpVersion === '1.1' && !request.headers.host) {
    throw new ApiError('VALIDATION_ERROR', 'Missing Host header: expected one on every HTTP/1.1 request.', {
      host: 'missing',
    });
  }
}

/**
 * An onSend hook: an answer sent before the request's body has arrived (a 401 before a
 * body is read, say) closes the connection, so a client cannot keep it open by trickling
 * the rest of a body nobody will read.
 */
export async function closeIfBodyPending(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.raw.complete) void reply.header('connection', 'close');
}
