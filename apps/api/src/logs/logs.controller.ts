import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type LogListParams, logListQuerySchema } from '@scheduler/core';
import { AttemptService } from '@scheduler/services';
import { QueryPipe } from '../http/query.pipe';
import { ref } from '../openapi/components';
import { ApiKeyRoute, ApiQueryParams } from '../openapi/decorators';
import { type AttemptPageResponse, attemptPageView } from '../openapi/views';

@ApiTags('logs')
@Controller('api/logs')
export class LogsController {
  constructor(@Inject(AttemptService) private readonly attempts: AttemptService) {}

  @Get()
  @ApiOperation({
    summary: 'All attempts',
    description: 'Every task’s delivery attempts, newest first, filtered and paged.',
  })
  @ApiQueryParams(logListQuerySchema)
  @ApiResponse({ status: 200, description: 'A page of attempts.', schema: ref('TaskLogPage') })
  @ApiKeyRoute('VALIDATION_ERROR')
  async list(@Query(new QueryPipe(logListQuerySchema)) query: LogListParams): Promise<AttemptPageResponse> {
    return attemptPageView(await this.attempts.list(query));
  }
}
