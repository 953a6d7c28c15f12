import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { errorBody } from '../http/api-error';
import { ref } from '../openapi/components';
import type { HealthResponse, HealthUnavailableResponse } from '../openapi/views';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @ApiOperation({
    summary: 'Is the API able to serve?',
    description:
      'No API key needed. Checks that PostgreSQL and Redis answer, each within a second. Says only which component is unavailable, never an address or a driver message (those are in the API log).',
  })
  @ApiResponse({ status: 200, description: 'Both answer.', schema: ref('Health') })
  @ApiResponse({
    status: 503,
    description: 'SERVICE_UNAVAILABLE: at least one does not; the body names which, in the error shape.',
    schema: ref('HealthUnavailable'),
  })
  async check(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthResponse | HealthUnavailableResponse> {
    const { postgres, redis, problems } = await this.health.check();
    if (postgres === 'ok' && redis === 'ok') return { status: 'ok', postgres, redis };
    void reply.status(503);
    const message = `${Object.values(problems).join('; ')}: try again shortly.`;
    const details = Object.fromEntries(Object.keys(problems).map((name) => [name, 'unavailable']));
    return { status: 'unavailable', postgres, redis, ...errorBody('SERVICE_UNAVAILABLE', message, details) };
  }
}
