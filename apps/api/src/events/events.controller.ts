import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { noQuerySchema } from '@scheduler/core';
import { liveEventNames, type LiveEvent } from '@scheduler/queue';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryPipe } from '../http/query.pipe';
import { ApiKeyRoute } from '../openapi/decorators';
import { LiveEvents } from './live-events';

/** A comment line this often keeps proxies from closing a quiet stream. */
export const EVENT_HEARTBEAT_MS = 15_000;

@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(@Inject(LiveEvents) private readonly live: LiveEvents) {}

  @Get()
  @ApiOperation({
    summary: 'Live events (Server-Sent Events)',
    description: `Each change of a task, run or attempt as it happens: \`event:\` one of ${liveEventNames.map((name) => `\`${name}\``).join(', ')}; \`data:\` JSON with the ids and the new state. A comment line every ${EVENT_HEARTBEAT_MS / 1000} s keeps proxies from closing it. Send X-API-KEY in a header (a fetch-based EventSource client): the browser's EventSource cannot.`,
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: 'The stream, open until the client or the API closes it.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiKeyRoute('VALIDATION_ERROR')
  stream(
    @Query(new QueryPipe(noQuerySchema)) _query: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    // The stream is written by hand from here on; the headers set so far (CORS) go with it.
    reply.hijack();
    const raw = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) raw.setHeader(name, value);
    }
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx (the dashboard's proxy) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 3000\n: connected\n\n`);
    const send = (event: LiveEvent) =>
      raw.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    const heartbeat = setInterval(() => raw.write(': keepalive\n\n'), EVENT_HEARTBEAT_MS);
    const stop = this.live.listen(send, () => raw.end());
    const closed = () => {
      clearInterval(heartbeat);
      stop();
    };
    request.raw.once('close', closed);
    raw.once('close', closed);
  }
}
