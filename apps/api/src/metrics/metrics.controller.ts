import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { noQuerySchema } from '@scheduler/core';
import type { FastifyReply } from 'fastify';
import { QueryPipe } from '../http/query.pipe';
import { QueueAvailableGuard } from '../http/queue-available.guard';
import { ApiKeyRoute, METRICS_TOKEN_SECURITY } from '../openapi/decorators';
import { ClusterMetrics } from './cluster-metrics';

/** The Prometheus text format's content type, as prom-client renders it. */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ClusterMetrics) private readonly metrics: ClusterMetrics) {}

  @Get()
  @UseGuards(QueueAvailableGuard)
  @ApiOperation({
    summary: 'Prometheus metrics of the cluster',
    description:
      'The cluster read at scrape time: `scheduler_tasks{status}`, `scheduler_runs{status}`, `scheduler_queue_jobs{state}`, `scheduler_due_backlog`, `scheduler_oldest_due_seconds`, `scheduler_destinations_held`, `scheduler_late_tasks`, plus this process’s default metrics. X-API-KEY, or `Authorization: Bearer <METRICS_TOKEN>` when that is set.',
  })
  @ApiSecurity(METRICS_TOKEN_SECURITY)
  @ApiResponse({
    status: 200,
    description: 'The Prometheus text exposition format.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiKeyRoute('VALIDATION_ERROR')
  async scrape(
    @Query(new QueryPipe(noQuerySchema)) _query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const text = await this.metrics.scrape();
    // Set once the text is there: an error on the way is answered as JSON in the error shape.
    void reply.header('content-type', PROMETHEUS_TEXT).header('cache-control', 'no-store');
    return text;
  }
}
