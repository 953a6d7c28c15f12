import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type RunListParams, runListQuerySchema } from '@scheduler/core';
import { RunService } from '@scheduler/services';
import { NoBodyPipe } from '../http/no-body.pipe';
import { QueryPipe } from '../http/query.pipe';
import { QueueAvailableGuard } from '../http/queue-available.guard';
import { ref } from '../openapi/components';
import { ApiKeyRoute, ApiNoBody, ApiQueryParams, ApiRunId } from '../openapi/decorators';
import {
  type RunDetailResponse,
  runDetailView,
  type RunPageResponse,
  runPageView,
  type RunResponse,
  runView,
} from '../openapi/views';

@ApiTags('runs')
@Controller('api/runs')
export class RunsController {
  constructor(@Inject(RunService) private readonly runs: RunService) {}

  @Get()
  @ApiOperation({
    summary: 'List runs',
    description: 'Every task’s runs, newest first, filtered and paged; each with its task’s name.',
  })
  @ApiQueryParams(runListQuerySchema)
  @ApiResponse({ status: 200, description: 'A page of runs.', schema: ref('RunPage') })
  @ApiKeyRoute('VALIDATION_ERROR')
  async list(@Query(new QueryPipe(runListQuerySchema)) query: RunListParams): Promise<RunPageResponse> {
    return runPageView(await this.runs.list(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a run', description: 'With its attempts, oldest first.' })
  @ApiRunId()
  @ApiResponse({ status: 200, description: 'The run and its attempts.', schema: ref('RunDetail') })
  @ApiKeyRoute('NOT_FOUND')
  async get(@Param('id') id: string): Promise<RunDetailResponse> {
    return runDetailView(await this.runs.getWithAttempts(id));
  }

  @Post(':id/retry')
  @HttpCode(202)
  @UseGuards(QueueAvailableGuard)
  @ApiOperation({
    summary: 'Retry a run',
    description:
      'For a failed, cancelled or expired run: a new run of its task now (trigger retry, retry_of this run), with the task’s retry budget. An optional json_payload is sent instead of the task’s payload, for that run only. 409 while the task has a run queued or running.',
  })
  @ApiRunId()
  @ApiBody({ schema: ref('RetryRun'), required: false })
  @ApiResponse({ status: 202, description: 'The new run, queued.', schema: ref('RetriedRun') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE')
  async retry(@Param('id') id: string, @Body() body: unknown): Promise<RunResponse> {
    return runView(await this.runs.retry(id, body));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a run',
    description:
      'A queued run leaves the queue; a retry waiting out its backoff never fires; an attempt in flight is aborted on whichever worker holds it (within 1 s) and recorded cancelled. The task goes back to the status it had before the run, its next run unchanged. 409 when the run has ended.',
  })
  @ApiRunId()
  @ApiNoBody()
  @ApiResponse({ status: 200, description: 'The run, cancelled.', schema: ref('CancelledRun') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE')
  async cancel(
    @Param('id') id: string,
    @Body(new NoBodyPipe('cancel')) _body: undefined,
  ): Promise<RunResponse> {
    return runView(await this.runs.cancel(id));
  }
}
