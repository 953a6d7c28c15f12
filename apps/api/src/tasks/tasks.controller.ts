import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  type TaskListParams,
  taskListQuerySchema,
  type TaskLogsParams,
  taskLogsQuerySchema,
  type TaskRunsParams,
  taskRunsQuerySchema,
} from '@scheduler/core';
import { AttemptService, RunService, TaskService } from '@scheduler/services';
import { NoBodyPipe } from '../http/no-body.pipe';
import { QueryPipe } from '../http/query.pipe';
import { QueueAvailableGuard } from '../http/queue-available.guard';
import { ref } from '../openapi/components';
import { ApiKeyRoute, ApiNoBody, ApiQueryParams, ApiTaskId } from '../openapi/decorators';
import {
  type AttemptPageResponse,
  type CreatedTaskResponse,
  createdTaskView,
  type SigningSecretResponse,
  attemptPageView,
  type RunPageResponse,
  runPageView,
  type RunResponse,
  runView,
  type TaskDetailResponse,
  taskDetailView,
  type TaskPageResponse,
  taskPageView,
  type TaskResponse,
  taskView,
} from '../openapi/views';

@ApiTags('tasks')
@Controller('api/tasks')
export class TasksController {
  constructor(
    @Inject(TaskService) private readonly tasks: TaskService,
    @Inject(AttemptService) private readonly attempts: AttemptService,
    @Inject(RunService) private readonly runs: RunService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a task',
    description: 'Its next_run_at is computed from the schedule in its timezone.',
  })
  @ApiBody({ schema: ref('CreateTask') })
  @ApiResponse({
    status: 201,
    description:
      'The task created, with its signing secret (shown here and by GET /api/tasks/{id}/secret only).',
    schema: ref('CreatedTask'),
  })
  @ApiKeyRoute('VALIDATION_ERROR', 'INVALID_SCHEDULE', 'PAYLOAD_TOO_LARGE')
  async create(@Body() body: unknown): Promise<CreatedTaskResponse> {
    return createdTaskView(await this.tasks.create(body));
  }

  @Get()
  @ApiOperation({
    summary: 'List tasks',
    description: 'Filtered, sorted and paged; each with its latest attempt.',
  })
  @ApiQueryParams(taskListQuerySchema)
  @ApiResponse({ status: 200, description: 'A page of tasks.', schema: ref('TaskPage') })
  @ApiKeyRoute('VALIDATION_ERROR')
  async list(@Query(new QueryPipe(taskListQuerySchema)) query: TaskListParams): Promise<TaskPageResponse> {
    return taskPageView(await this.tasks.listWithLastAttempt(query));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a task',
    description: 'With its latest 20 attempts (newest first), its run in flight and its latest ended run.',
  })
  @ApiTaskId()
  @ApiResponse({ status: 200, description: 'The task and its latest attempts.', schema: ref('TaskDetail') })
  @ApiKeyRoute('NOT_FOUND')
  async get(@Param('id') id: string): Promise<TaskDetailResponse> {
    return taskDetailView(await this.tasks.getDetail(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a task',
    description:
      'Any subset of its fields. A new schedule or timezone recomputes next_run_at; task_status "ready" re-arms a failed task.',
  })
  @ApiTaskId()
  @ApiBody({ schema: ref('UpdateTask') })
  @ApiResponse({ status: 200, description: 'The task as changed.', schema: ref('Task') })
  @ApiKeyRoute('VALIDATION_ERROR', 'INVALID_SCHEDULE', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<TaskResponse> {
    return taskView(await this.tasks.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a task',
    description: 'Its logs go too. A run in flight is dropped quietly by the worker.',
  })
  @ApiTaskId()
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiKeyRoute('NOT_FOUND', 'PAYLOAD_TOO_LARGE')
  async delete(@Param('id') id: string): Promise<void> {
    await this.tasks.delete(id);
  }

  @Post(':id/toggle')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause or resume a task',
    description: 'Flips enabled. Resuming looks forward from now: instants missed while paused are skipped.',
  })
  @ApiTaskId()
  @ApiNoBody()
  @ApiResponse({ status: 200, description: 'The task as changed.', schema: ref('Task') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE')
  async toggle(
    @Param('id') id: string,
    @Body(new NoBodyPipe('toggle')) _body: undefined,
  ): Promise<TaskResponse> {
    return taskView(await this.tasks.toggle(id));
  }

  @Post(':id/skip-next')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Skip a task’s next run',
    description:
      'Moves next_run_at to the instant after it (null when there is none). 409 when the task never comes due again.',
  })
  @ApiTaskId()
  @ApiNoBody()
  @ApiResponse({ status: 200, description: 'The task as changed.', schema: ref('Task') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE')
  async skipNext(
    @Param('id') id: string,
    @Body(new NoBodyPipe('skip-next')) _body: undefined,
  ): Promise<TaskResponse> {
    return taskView(await this.tasks.skipNext(id));
  }

  @Get(':id/secret')
  @ApiOperation({
    summary: 'A task’s signing secret',
    description: 'The Standard Webhooks secret its requests are signed with (webhook-signature).',
  })
  @ApiTaskId()
  @ApiResponse({ status: 200, description: 'The secret.', schema: ref('SigningSecret') })
  @ApiKeyRoute('NOT_FOUND')
  async secret(@Param('id') id: string): Promise<SigningSecretResponse> {
    return this.tasks.getSecret(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate a task’s signing secret',
    description:
      'Makes a new secret. For 24 h both the new and the previous secret sign every request (two space-separated signatures in webhook-signature), so a receiver can switch without missing one.',
  })
  @ApiTaskId()
  @ApiNoBody()
  @ApiResponse({ status: 200, description: 'The new secret.', schema: ref('SigningSecret') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE')
  async rotateSecret(
    @Param('id') id: string,
    @Body(new NoBodyPipe('rotate-secret')) _body: undefined,
  ): Promise<SigningSecretResponse> {
    return this.tasks.rotateSecret(id);
  }

  @Post(':id/execute')
  @HttpCode(202)
  @UseGuards(QueueAvailableGuard)
  @ApiOperation({
    summary: 'Run a task now',
    description:
      'Outside its schedule, for a ready or failed task, enabled or not; the run (trigger manual) is queued like a scheduled one, due now.',
  })
  @ApiTaskId()
  @ApiNoBody()
  @ApiResponse({ status: 202, description: 'The run it made, queued.', schema: ref('QueuedRun') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE')
  async execute(
    @Param('id') id: string,
    @Body(new NoBodyPipe('execute')) _body: undefined,
  ): Promise<RunResponse> {
    return runView(await this.tasks.runNow(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a task’s run',
    description:
      'Cancels its queued or running run, a retry waiting out its backoff included; see POST /api/runs/{id}/cancel. 409 when it has none.',
  })
  @ApiTaskId()
  @ApiNoBody()
  @ApiResponse({ status: 200, description: 'The run, cancelled.', schema: ref('CancelledRun') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE')
  async cancel(
    @Param('id') id: string,
    @Body(new NoBodyPipe('cancel')) _body: undefined,
  ): Promise<RunResponse> {
    return runView(await this.runs.cancelForTask(id));
  }

  @Get(':id/runs')
  @ApiOperation({ summary: "A task's runs", description: 'Newest first, filtered and paged.' })
  @ApiTaskId()
  @ApiQueryParams(taskRunsQuerySchema)
  @ApiResponse({ status: 200, description: 'A page of runs.', schema: ref('RunPage') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND')
  async runsOf(
    @Param('id') id: string,
    @Query(new QueryPipe(taskRunsQuerySchema)) query: TaskRunsParams,
  ): Promise<RunPageResponse> {
    return runPageView(await this.runs.listForTask(id, query));
  }

  @Get(':id/logs')
  @ApiOperation({ summary: "A task's attempts", description: 'Newest first, filtered and paged.' })
  @ApiTaskId()
  @ApiQueryParams(taskLogsQuerySchema)
  @ApiResponse({ status: 200, description: 'A page of attempts.', schema: ref('TaskLogPage') })
  @ApiKeyRoute('VALIDATION_ERROR', 'NOT_FOUND')
  async logs(
    @Param('id') id: string,
    @Query(new QueryPipe(taskLogsQuerySchema)) query: TaskLogsParams,
  ): Promise<AttemptPageResponse> {
    return attemptPageView(await this.attempts.listForTask(id, query));
  }
}
