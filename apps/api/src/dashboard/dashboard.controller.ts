import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { noQuerySchema } from '@scheduler/core';
import { DashboardService } from '@scheduler/services';
import { QueryPipe } from '../http/query.pipe';
import { QueueAvailableGuard } from '../http/queue-available.guard';
import { ref } from '../openapi/components';
import { ApiKeyRoute } from '../openapi/decorators';
import { type DashboardStatsResponse, dashboardStatsView } from '../openapi/views';

@ApiTags('dashboard')
@Controller('api/dashboard')
export class DashboardController {
  constructor(@Inject(DashboardService) private readonly dashboard: DashboardService) {}

  @Get('stats')
  @UseGuards(QueueAvailableGuard)
  @ApiOperation({
    summary: 'Overview figures',
    description: 'Task counts, the last 24 hours of attempts (with 24 hourly buckets) and the queue’s depth.',
  })
  @ApiResponse({ status: 200, description: 'The figures.', schema: ref('DashboardStats') })
  @ApiKeyRoute('VALIDATION_ERROR')
  async stats(@Query(new QueryPipe(noQuerySchema)) _query: unknown): Promise<DashboardStatsResponse> {
    return dashboardStatsView(await this.dashboard.stats());
  }
}
