import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { errorBody } from '../http/api-error';
import { API_KEY_MATCHER, type KeyMatcher } from '../http/api-key';
import { ref } from '../openapi/components';
import type { HealthResponse, HealthUnavailableResponse } from '../openapi/views';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(API_KEY_MATCHER) private readonly isApiKey: KeyMatcher,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Is the scheduler able to serve, and who is alive?',
    description:
      'No API key needed. Checks that PostgreSQL and Redis answer, each within a second, and counts the publishers and workers alive (a heartbeat within 15 s; 0 while Redis is out of reach). `degraded` (200): no publisher or no worker is alive, so nothing fires or nothing is delivered. Without a key it names components only, never an address or a driver message (those are in the API log); with X-API-KEY it adds `details`: each process alive, the queue’s depth, the oldest due run, and what failed.',
  })
  @ApiHeader({
    name: 'X-API-KEY',
    required: false,
    description: 'Optional: with the key, the answer carries `details`.',
  })
  @ApiResponse({
    status: 200,
    description: '`ok`, or `degraded` when no publisher or no worker is alive.',
    schema: ref('Health'),
  })
  @ApiResponse({
    status: 503,
    description:
      'SERVICE_UNAVAILABLE: PostgreSQL or Redis does not answer; the body names which, in the error shape.',
    schema: ref('HealthUnavailable'),
  })
  async check(
    @Headers('x-api-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthResponse | HealthUnavailableResponse> {
    const report = await this.health.check();
    const { postgres, redis, problems } = report;
    const alive = { publishers: report.publishers.length, workers: report.workers.length };
    const details = this.isApiKey(key) ? { details: await this.health.details(report) } : {};
    if (postgres === 'ok' && redis === 'ok') {
      const status = alive.publishers > 0 && alive.workers > 0 ? 'ok' : 'degraded';
      return { status, postgres, redis, ...alive, ...details };
    }
    void reply.status(503);
    const message = `${Object.values(problems).join('; ')}: try again shortly.`;
    const unavailable = Object.fromEntries(Object.keys(problems).map((name) => [name, 'unavailable']));
    return {
      status: 'unavailable',
      postgres,
      redis,
      ...alive,
      ...details,
      ...errorBody('SERVICE_UNAVAILABLE', message, unavailable),
    };
  }
}
