import {
  CANCELLED_ATTEMPT_MESSAGE,
  CANCELLED_RUN_MESSAGE,
  isBodyless,
  isEmptyPayload,
  isRetryableRun,
  parseTaskInput,
  retryableRunStatuses,
  retryRunSchema,
  type RunListParams,
  RunNotFoundError,
  type TaskRunsParams,
  TaskConflictError,
  TaskValidationError,
} from '@scheduler/core';
import type { CancelTarget, RunListItem, RunRepository, RunRow, RunWithAttempts } from '@scheduler/db';
import { type DeliveryQueue, type EventPublisher, type Redis, withdrawRun } from '@scheduler/queue';
import { assertDiscordPayload } from './delivery-checks';
import { toPage, type Page } from './page';
import type { TaskService } from './task.service';
import { isUuid } from './uuid';

export interface RunServiceDeps {
  runs: RunRepository;
  /** Decides whether a task exists, and starts runs. */
  tasks: TaskService;
  queue: DeliveryQueue;
  /** Announces cancels to the workers (pub/sub). */
  redis: Redis;
  prefix: string;
  /** Live events (SPEC §15): run.finished for a cancel. */
  events?: EventPublisher;
}

/** PostgreSQL's codes for a deadlock and a serialization failure: the statement may simply be tried again. */
const TRY_AGAIN_CODES = new Set(['40P01', '40001']);
const CANCEL_TRIES = 3;

/** Runs (SPEC §11): history, cancel and retry, shared by the API and the CLI. */
export class RunService {
  constructor(private readonly deps: RunServiceDeps) {}

  async list(params: RunListParams): Promise<Page<RunListItem>> {
    const { rows, total } = await this.deps.runs.list({
      page: params.page,
      limit: params.limit,
      taskId: params.task_id,
      statuses: params.status,
      trigger: params.trigger,
      from: params.from,
      to: params.to,
    });
    return toPage(rows, total, params.page, params.limit);
  }

  /** One task's runs; TaskNotFoundError when the task does not exist. */
  async listForTask(taskId: string, params: TaskRunsParams): Promise<Page<RunListItem>> {
    await this.deps.tasks.get(taskId);
    return this.list({ ...params, task_id: taskId });
  }

  async get(id: string): Promise<RunListItem> {
    const run = isUuid(id) ? await this.deps.runs.findById(id) : undefined;
    if (!run) throw new RunNotFoundError(id);
    return run;
  }

  async getWithAttempts(id: string): Promise<RunWithAttempts> {
    const run = await this.get(id);
    return { ...run, attempts: await this.deps.runs.attemptsOf(id) };
  }

  /**
   * A new run of a failed, cancelled or expired run's task, now (`trigger: retry`),
   * with the task's retry budget; `body.json_payload`, when given, is sent
   * instead of the task's payload for that run only.
   */
  async retry(id: string, body: unknown): Promise<RunListItem> {
    const input = parseTaskInput(retryRunSchema, body === null ? undefined : body);
    const original = await this.get(id);
    if (!isRetryableRun(original.status)) {
      throw new TaskConflictError(
        `Run ${id} ended ${original.status}: only a ${retryableRunStatuses.join(', ')} run can be retried.`,
        { status: original.status },
      );
    }
    if (input?.json_payload !== undefined) {
      const task = await this.deps.tasks.get(original.task_id);
      // As a task's own payload (SPEC §14): a GET or DELETE sends no body, so only {} fits it.
      if (isBodyless(task.http_method) && !isEmptyPayload(input.json_payload)) {
        const message = `this task's ${task.http_method} request sends no body: expected json_payload {} (or none), or change the task's http_method`;
        throw new TaskValidationError(`json_payload: ${message}`, 'VALIDATION_ERROR', {
          json_payload: message,
        });
      }
      assertDiscordPayload(task.webhook_url, input.json_payload);
    }
    const { run } = await this.deps.tasks.startRun(original.task_id, {
      trigger: 'retry',
      retryOf: original.id,
      payloadOverride: input?.json_payload,
    });
    return { ...run, task_name: original.task_name };
  }

  /** Cancels one run; RunNotFoundError for an unknown id, a conflict when it has ended. */
  async cancel(id: string): Promise<RunListItem> {
    if (!isUuid(id)) throw new RunNotFoundError(id);
    const run = await this.cancelTarget({ runId: id });
    if (!run) throw new RunNotFoundError(id);
    return this.get(run.id);
  }

  /** Cancels a task's run in flight; a conflict when it has none. */
  async cancelForTask(taskId: string): Promise<RunListItem> {
    const task = await this.deps.tasks.get(taskId);
    const run = await this.cancelTarget({ taskId });
    if (!run) {
      throw new TaskConflictError(`Task ${taskId} has no run queued or running: nothing to cancel.`, {
        task_status: task.task_status,
      });
    }
    return { ...run, task_name: task.task_name };
  }

  /** The run cancelled, or undefined when there was no such run; a conflict when it had ended. */
  private async cancelTarget(target: CancelTarget): Promise<RunRow | undefined> {
    for (let tries = 1; ; tries += 1) {
      try {
        const result = await this.deps.runs.cancel(target, CANCELLED_RUN_MESSAGE, CANCELLED_ATTEMPT_MESSAGE);
        switch (result.kind) {
          case 'none':
            return undefined;
          case 'ended':
            throw new TaskConflictError(
              `Run ${result.run.id} has ended (${result.run.status}): nothing to cancel.`,
              { status: result.run.status },
            );
          case 'cancelled':
            if (result.attempt) {
              this.deps.events?.emit('attempt.finished', {
                run_id: result.run.id,
                task_id: result.run.task_id,
                attempt_id: result.attempt.id,
                status: 'cancelled',
                http_status: null,
                execution_time: result.attempt.execution_time,
                retry_count: result.attempt.retry_count,
              });
            }
            this.deps.events?.emit('run.finished', {
              run_id: result.run.id,
              task_id: result.run.task_id,
              status: 'cancelled',
            });
            // The database has decided; the queue and the workers only hear of it sooner.
            await withdrawRun(
              this.deps.queue,
              this.deps.redis,
              this.deps.prefix,
              result.run.id,
              result.jobId,
            ).catch(() => undefined);
            return result.run;
          default:
            return assertNever(result);
        }
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (tries >= CANCEL_TRIES || typeof code !== 'string' || !TRY_AGAIN_CODES.has(code)) throw error;
      }
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected cancel result: ${JSON.stringify(value)}`);
}
