import {
  createTaskSchema,
  nextRunAt,
  parseTaskInput,
  TaskConflictError,
  type TaskListParams,
  TaskNotFoundError,
  updateTaskSchema,
} from '@scheduler/core';
import type {
  AttemptRepository,
  AttemptRow,
  TaskRepository,
  TaskRow,
  TaskRowPatch,
  TaskWithLastAttempt,
} from '@scheduler/db';
import { deliveryJobId, enqueueDeliveries, type DeliveryQueue } from '@scheduler/queue';
import { toPage, type Page } from './page';

export interface TaskServiceDeps {
  tasks: TaskRepository;
  attempts: AttemptRepository;
  queue: DeliveryQueue;
  retryBackoffMs: number;
  /** The clock; injected so tests can pin it. */
  now?: () => Date;
}

export interface RunRequest {
  task: TaskRow;
  jobId: string;
  scheduledFor: Date;
}

const runningConflict = () =>
  new TaskConflictError('The task is running: it returns to ready by itself when its run ends.', {
    task_status: 'running',
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The task use-cases shared by the API and the CLI: validate with the domain's
 * schemas, keep `next_run_at` right, and start runs through the one job contract.
 */
export class TaskService {
  private readonly now: () => Date;

  constructor(private readonly deps: TaskServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(input: unknown): Promise<TaskRow> {
    const task = parseTaskInput(createTaskSchema, input);
    return this.deps.tasks.create({
      ...task,
      json_payload: JSON.stringify(task.json_payload),
      next_run_at: nextRunAt(task.task_schedule, task.timezone, this.now()),
    });
  }

  async get(id: string): Promise<TaskRow> {
    const task = UUID.test(id) ? await this.deps.tasks.findById(id) : undefined;
    if (!task) throw new TaskNotFoundError(id);
    return task;
  }

  async getWithAttempts(id: string, limit = 20): Promise<TaskRow & { logs: AttemptRow[] }> {
    const task = await this.get(id);
    return { ...task, logs: await this.deps.attempts.listForTask(id, limit) };
  }

  /** A page of tasks as the list parameters ask, each with its latest attempt. */
  async listWithLastAttempt(params: TaskListParams): Promise<Page<TaskWithLastAttempt>> {
    const { rows, total } = await this.deps.tasks.listWithLastAttempt({
      page: params.page,
      limit: params.limit,
      taskStatus: params.task_status,
      enabled: params.enabled,
      search: params.search,
      sort: params.sort,
      order: params.order,
    });
    return toPage(rows, total, params.page, params.limit);
  }

  /**
   * A partial update. A new schedule or timezone moves `next_run_at`;
   * `task_status: "ready"` re-arms a failed task, and `enabled: true` resumes a
   * paused one, both from now on (instants missed meanwhile are skipped).
   */
  async update(id: string, input: unknown): Promise<TaskRow> {
    const patch = parseTaskInput(updateTaskSchema, input);
    const current = await this.get(id);
    const { task_status, json_payload, ...fields } = patch;
    const changes: TaskRowPatch = { ...fields };
    if (json_payload !== undefined) changes.json_payload = JSON.stringify(json_payload);
    if (task_status === 'ready' && current.task_status === 'running') throw runningConflict();
    const rearm = task_status === 'ready' && current.task_status === 'failed';
    if (rearm) changes.task_status = 'ready';
    const resumed = fields.enabled === true && !current.enabled;
    if (rearm || resumed || fields.task_schedule !== undefined || fields.timezone !== undefined) {
      changes.next_run_at = nextRunAt(
        fields.task_schedule ?? current.task_schedule,
        fields.timezone ?? current.timezone,
        this.now(),
      );
    }
    // Re-arming a task that is already ready changes nothing.
    if (Object.keys(changes).length === 0) return current;
    // A re-arm applies only while the task is still failed: a run may have started since it was read.
    const updated = await this.deps.tasks.update(id, changes, rearm ? 'failed' : undefined);
    if (updated) return updated;
    const latest = await this.get(id);
    throw latest.task_status === 'running'
      ? runningConflict()
      : new TaskConflictError(`The task became ${latest.task_status} meanwhile: read it again and retry.`, {
          task_status: latest.task_status,
        });
  }

  async delete(id: string): Promise<void> {
    const deleted = UUID.test(id) && (await this.deps.tasks.delete(id));
    if (!deleted) throw new TaskNotFoundError(id);
  }

  /** Pause or resume. Resuming looks forward from now: instants missed while paused are skipped. */
  async toggle(id: string): Promise<TaskRow> {
    const current = await this.get(id);
    // Resumed, it runs from now on: instants missed while paused are skipped. (Pausing plans
    // nothing, so a task whose schedule cannot be planned can still be paused.)
    const resumeAt = current.enabled ? null : nextRunAt(current.task_schedule, current.timezone, this.now());
    const toggled = await this.deps.tasks.toggleEnabled(id, resumeAt);
    if (!toggled) throw new TaskNotFoundError(id);
    return toggled;
  }

  /**
   * Run now, outside the schedule, for a ready or failed task, enabled or not.
   * The run's due instant is the request's instant. A failed task is re-armed
   * from now, so its stale due instant does not fire again after this run.
   */
  async runNow(id: string): Promise<RunRequest> {
    const current = await this.get(id);
    const scheduledFor = this.now();
    const jobId = deliveryJobId(id, scheduledFor);
    const nextRun =
      current.task_status === 'failed'
        ? nextRunAt(current.task_schedule, current.timezone, scheduledFor)
        : undefined;
    const task = await this.deps.tasks.claimForRun(id, jobId, ['ready', 'failed'], nextRun);
    if (!task) {
      const latest = await this.get(id);
      throw new TaskConflictError(
        `The task is ${latest.task_status}: wait for its run to end before running it again.`,
        {
          task_status: latest.task_status,
        },
      );
    }
    try {
      await enqueueDeliveries(
        this.deps.queue,
        [{ taskId: id, scheduledFor, maxRetry: task.max_retry, trigger: 'manual' }],
        this.deps.retryBackoffMs,
      );
    } catch (error) {
      // Nothing was queued: hand the task back as it was.
      await this.deps.tasks.finishRun(id, jobId, current.task_status === 'failed' ? 'failed' : 'ready');
      throw error;
    }
    return { task, jobId, scheduledFor };
  }
}
