import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { describeError, type Logger } from '@scheduler/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { toErrorResponse } from './error-response';

/**
 * Catches everything: errors from controllers and services, and — through Nest's
 * Fastify error and not-found handlers — from hooks, body parsing and unknown routes.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, unexpected, clientGone } = toErrorResponse(exception, request);
    if (clientGone) {
      this.logger.info(
        `${request.method} ${request.url}: the client closed the connection before its body arrived`,
      );
    } else if (unexpected) {
      this.logger.error({ err: exception }, `${request.method} ${request.url} failed`);
      this.logger.flush();
    } else if (status === 503) {
      // The cause (an address, the driver's words) is for the log only; an ApiError has none beyond its message.
      const cause = exception instanceof ApiError ? '' : ` (${describeError(exception)})`;
      this.logger.warn(`${request.method} ${request.url}: ${body.error.message}${cause}`);
    }
    if (reply.sent) return;
    void reply.status(status).send(body);
  }
}
