import { randomUUID } from 'node:crypto';
import {
  activeRangeProblem,
  type AllowList,
  isBodyless,
  jitterProblem,
  createTaskSchema,
  dependencyDeletedNote,
  strandedChainReason,
  destinationOf,
  EMPTY_ALLOW_LIST,
  instantAfterNext,
  isEmptyPayload,
  nextDueInstant,
  parseTaskInput,
  RUN_AT_GRACE_MS,
  TaskConflictError,
  type TaskListParams,
  TaskNotFoundError,
  TaskValidationError,
  type TaskTiming,
  upcomingDueInstants,
  unmaskedHeaders,
  updateTaskSchema,
  urlTargetProblem,
} from '@scheduler/core';
import type {
  AttemptRepository,
  AttemptRow,
  CheckedGraph,
  DependencyRepository,
  NamedTask,
  Punctuality,
  RunListItem,
  RunRepository,
  RunRow,
  StartedRun,
  TaskRepository,
  TaskRow,
  TaskRowPatch,
  TaskWithLastAttempt,
} from '@scheduler/db';
import {
  deliveryJobId,
  enqueueDeliveries,
  type DeliveryQueue,
  type Redis,
  type EventPublisher,
  withdrawRun,
} from '@scheduler/queue';
import { randomBytes } from 'node:crypto';
import { assertDiscordPayload } from './delivery-checks';
import { toPage, type Page } from './page';
import { isUuid } from './uuid';

export interface TaskServiceDeps {
  tasks: TaskRepository;
  /** SPEC §13 depends_on. */
  dependencies: DependencyRepository;
  attempts: AttemptRepository;
  runs: RunRepository;
  queue: DeliveryQueue;
  /** Announces cancels to the workers (pub/sub). */
  redis: Redis;
  prefix: string;
  retryBackoffMs: number;
  /** WEBHOOK_ALLOWED_HOSTS, read: IP literals of other classes are refused (SPEC §14); none by default. */
  allowList?: AllowList;
  /** WEBHOOK_TIMEOUT_MAX_MS: the largest `timeout_ms` a task may have; 60000 by default. */
  timeoutMaxMs?: number;
  /** The clock; injected so tests can pin it. */
  now?: () => Date;
  /** Live events (SPEC §15): task.created/updated/deleted, run.queued. */
  events?: EventPublisher;
}

/**
 * A task as every answer about one task shows it (create, change, toggle, skip-next): its
 * columns, the tasks it runs after and when it comes due next (SPEC §13).
 */
export type PlannedTask = TaskRow & {
  /** The ids of the tasks it runs after, as given (SPEC §13). */
  depends_on: string[];
  /** The same tasks, named. */
  dependencies: NamedTask[];
  /** The next 5 instants it comes due (jitter, active range and pause applied). */
  next_runs: Date[];
};

/** A task with its latest attempts and its runs now and last (GET /api/tasks/:id). */
export type TaskDetail = PlannedTask & {
  logs: AttemptRow[];
  /** The tasks that run after it (SPEC §13). */
  dependents: NamedTask[];
  current_run: RunRow | null;
  last_run: RunRow | null;
  punctuality: Punctuality;
};

/** What a run outside the schedule is (run now, retry). */
export interface RunOrder {
  trigger: 'manual' | 'retry';
  retryOf?: string;
  payloadOverride?: unknown;
}

const runningConflict = () =>
  new TaskConflictError('The task is running: it returns to ready by itself when its run ends.', {
    task_status: 'running',
  });

/** What a run cancelled because its task changed before its request says. */
const CHANGED_BEFORE_REQUEST =
  'cancelled: the task was changed or paused after this run was claimed and before its request';

/**
 * The task use-cases shared by the API and the CLI: validate with the domain's
 * schemas, keep `next_run_at` right, and start runs through the one job contract.
 */
export class TaskService {
  private readonly now: () => Date;

  constructor(private readonly deps: TaskServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(input: unknown): Promise<PlannedTask> {
    const task = parseTaskInput(createTaskSchema, input);
    this.assertSafeTarget(task.webhook_url);
    if (task.alert_url) this.assertSafeTarget(task.alert_url, 'alert_url');
    this.assertTimeoutWithinMax(task.timeout_ms);
    if (!isBodyless(task.http_method)) assertDiscordPayload(task.webhook_url, task.json_payload);
    const now = this.now();
    const runAt = task.run_at ?? null;
    if (runAt) assertRunAtAhead(runAt, now);
    if (task.paused_until) assertPauseAhead(task.paused_until, now);
    assertJitterFits(task.task_schedule ?? null, task.timezone ?? 'UTC', task.jitter_ms ?? 0, now);
    if (task.ends_at && task.ends_at <= now) {
      const message = `${task.ends_at.toISOString()} has passed: expected a future instant (or none)`;
      throw new TaskValidationError(`ends_at: ${message}`, 'VALIDATION_ERROR', { ends_at: message });
    }
    const { run_at: _runAt, depends_on: dependsOn, ...fields } = task;
    // Made here, not by the database: the jitter of its instants depends on it.
    const id = randomUUID();
    const named = { id, task_name: task.task_name };
    if (dependsOn) await this.assertDependencies(named, dependsOn);
    const timing: TaskTiming = {
      ...fields,
      id,
      task_schedule: task.task_schedule ?? null,
      run_at: runAt,
    };
    const created = await this.deps.tasks.create({
      ...fields,
      id,
      signing_secret: newSigningSecret(),
      task_schedule: task.task_schedule ?? null,
      run_at: runAt,
      // GET and DELETE send no body: their payload is {} (SPEC §14).
      json_payload: JSON.stringify(task.json_payload ?? {}),
      headers: JSON.stringify(task.headers),
      timeout_ms: task.timeout_ms ?? null,
      // A run_at within the grace period fires at once.
      next_run_at: nextDueInstant(timing, runAt && runAt <= now ? new Date(runAt.getTime() - 1) : now),
    });
    if (dependsOn && dependsOn.length > 0) {
      // Refused now (the graph changed since the check above): the task is not kept either.
      await this.storeDependencies(named, dependsOn).catch(async (error: unknown) => {
        await this.deps.tasks.delete(id);
        throw error;
      });
    }
    return this.planned(this.announced('task.created', created));
  }

  /**
   * SPEC §13: each dependency an existing task, not the task itself, and no cycle — also one
   * closed through other tasks' dependencies — named task by task.
   */
  private async assertDependencies(
    task: { id: string; task_name: string },
    dependsOn: readonly string[],
  ): Promise<void> {
    const [existing, graph] = await Promise.all([
      this.deps.dependencies.existing(dependsOn),
      this.deps.dependencies.reachableFrom(dependsOn),
    ]);
    checkDependencies(task, dependsOn, { ...graph, existing });
  }

  /**
   * Stores the task's dependencies, checked again as the graph is when they are written:
   * a change made meanwhile (a dependency deleted, another edit closing a cycle) is refused.
   */
  private async storeDependencies(
    task: { id: string; task_name: string },
    dependsOn: readonly string[],
  ): Promise<void> {
    await this.deps.dependencies.replace(task.id, dependsOn, (graph) =>
      checkDependencies(task, dependsOn, graph),
    );
  }

  async get(id: string): Promise<TaskRow> {
    const task = isUuid(id) ? await this.deps.tasks.findById(id) : undefined;
    if (!task) throw new TaskNotFoundError(id);
    return task;
  }

  /** The task with its latest attempts, its run in flight and its latest ended run. */
  async getDetail(id: string, limit = 20): Promise<TaskDetail> {
    const task = await this.get(id);
    const [logs, runs, punctuality, dependencies] = await Promise.all([
      this.deps.attempts.listForTask(id, limit),
      this.deps.runs.currentAndLast(id),
      this.deps.runs.punctuality(id),
      this.deps.dependencies.of(id),
    ]);
    return {
      ...task,
      logs,
      next_runs: nextRuns(task),
      ...dependenciesOf(dependencies.dependsOn),
      dependents: dependencies.dependents,
      current_run: runs.current,
      last_run: runs.last,
      punctuality,
    };
  }

  /**
   * Skips the task's next run: `next_run_at` moves to the instant after it (null when there
   * is none). Conditional on the instant read, so a claim of it meanwhile is not undone.
   */
  async skipNext(id: string): Promise<PlannedTask> {
    const current = await this.get(id);
    if (current.next_run_at === null) {
      const chained = isChained(current);
      throw new TaskConflictError(
        chained
          ? 'The task has no next run to skip: it is chained, and runs after its dependencies, not at an instant.'
          : 'The task has no next run to skip: it never comes due again.',
        { next_run_at: 'none' },
      );
    }
    const next = instantAfterNext(current);
    const updated = await this.deps.tasks.moveNextRunAt(id, current.next_run_at, next);
    if (!updated) {
      throw new TaskConflictError(
        'The task’s next run changed meanwhile (it was claimed, say): read it again.',
        {
          next_run_at: (await this.get(id)).next_run_at?.toISOString() ?? 'none',
        },
      );
    }
    return this.planned(this.announced('task.updated', updated));
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
   * A partial update. A new schedule, run_at or timezone moves `next_run_at`;
   * `task_status: "ready"` re-arms a failed task, and `enabled: true` resumes a
   * paused one, both from now on (instants missed meanwhile are skipped). A
   * future `run_at` arms a one-time task again. A run claimed under the old
   * timing and not started yet is cancelled: no request goes out on the old settings.
   */
  async update(id: string, input: unknown): Promise<PlannedTask> {
    return this.planned(await this.change(id, input));
  }

  private async change(id: string, input: unknown): Promise<TaskRow> {
    const patch = parseTaskInput(updateTaskSchema, input);
    if (patch.webhook_url !== undefined) this.assertSafeTarget(patch.webhook_url);
    if (patch.alert_url) this.assertSafeTarget(patch.alert_url, 'alert_url');
    this.assertTimeoutWithinMax(patch.timeout_ms);
    const current = await this.get(id);
    const now = this.now();
    if (patch.paused_until) assertPauseAhead(patch.paused_until, now);
    if (patch.jitter_ms !== undefined || patch.task_schedule || patch.timezone !== undefined) {
      // As the task will be: a new schedule replaces a run_at, a new run_at the schedule.
      const schedule = patch.task_schedule ?? (patch.run_at ? null : current.task_schedule);
      const timezone = patch.timezone ?? current.timezone;
      assertJitterFits(schedule, timezone, patch.jitter_ms ?? current.jitter_ms, now);
    }
    const {
      task_status,
      json_payload,
      run_at,
      task_schedule,
      headers,
      depends_on: dependsOn,
      ...fields
    } = patch;
    if (dependsOn) await this.assertDependencies(current, dependsOn);
    // SPEC §13: a chained task runs after its dependencies; without any it would never run.
    if (dependsOn?.length === 0 && task_schedule === undefined && run_at === undefined) {
      if (isChained(current)) {
        const message =
          'this task is chained (no task_schedule, no run_at): expected at least one task id, or a task_schedule or run_at with it';
        throw new TaskValidationError(`depends_on: ${message}`, 'VALIDATION_ERROR', { depends_on: message });
      }
    }
    const changes: TaskRowPatch = { ...fields };
    if (json_payload !== undefined) changes.json_payload = JSON.stringify(json_payload);
    assertBodyFitsMethod(patch.http_method, json_payload, current);
    // A new URL or payload is checked as it will be sent: the URL with the payload it will carry.
    if (
      (json_payload !== undefined || patch.webhook_url !== undefined) &&
      !isBodyless(patch.http_method ?? current.http_method)
    ) {
      assertDiscordPayload(patch.webhook_url ?? current.webhook_url, json_payload ?? current.json_payload);
    }
    // A masked value sent back unchanged (the edit form) keeps the stored one.
    if (headers !== undefined) {
      changes.headers = JSON.stringify(unmaskedHeaders(headers, current.headers as Record<string, string>));
    }
    // A task has a schedule or one instant: giving one clears the other. Clearing them (null)
    // with no new one makes the task chained: it runs after its dependencies (SPEC §13).
    if (task_schedule) Object.assign(changes, { task_schedule, run_at: null });
    if (run_at) {
      assertRunAtAhead(run_at, now);
      Object.assign(changes, { run_at, task_schedule: null });
    }
    const chains = (task_schedule === null || run_at === null) && !task_schedule && !run_at;
    if (chains) {
      await this.assertChainable(id, dependsOn, task_schedule === null ? 'task_schedule' : 'run_at');
      Object.assign(changes, { task_schedule: null, run_at: null });
    }
    const timing: TaskTiming = {
      ...current,
      ...fields,
      task_schedule: chains ? null : (task_schedule ?? (run_at ? null : current.task_schedule)),
      run_at: chains ? null : (run_at ?? (task_schedule ? null : current.run_at)),
    };
    const rangeProblem = activeRangeProblem(timing.starts_at, timing.ends_at);
    if (rangeProblem) {
      const field = fields.ends_at !== undefined ? 'ends_at' : 'starts_at';
      throw new TaskValidationError(`${field}: ${rangeProblem}`, 'VALIDATION_ERROR', {
        [field]: rangeProblem,
      });
    }
    if (task_status === 'ready' && current.task_status === 'running') throw runningConflict();
    const resumed = fields.enabled === true && !current.enabled;
    // Enabled again, a task its webhook disabled forgets why, and is re-armed (SPEC §14).
    const wasDisabledByWebhook = resumed && current.disabled_reason !== null;
    if (wasDisabledByWebhook) changes.disabled_reason = null;
    // A future run_at re-arms a failed one-time task by itself (SPEC §11).
    const rearm =
      current.task_status === 'failed' &&
      (task_status === 'ready' || run_at !== undefined || wasDisabledByWebhook);
    if (rearm) changes.task_status = 'ready';
    // Only a change of timing moves next_run_at: the same values sent again (an edit form
    // saved as it was) keep it, and a skip-next with it.
    const retimed = TIMING_FIELDS.some((field) => !sameValue(timing[field], current[field]));
    if (rearm || resumed || retimed) {
      // Within the grace period a run_at fires at once; otherwise the next instant from now.
      changes.next_run_at = nextDueInstant(
        timing,
        run_at && run_at <= now ? new Date(run_at.getTime() - 1) : now,
      );
    }
    // A one-time task made ready with no next instant (its run_at has passed, whether it is
    // re-armed here or has fired and finished) would never fire. (A chained task — neither
    // schedule nor run_at — never has one: its dependencies release it.)
    const nextRunAt = changes.next_run_at !== undefined ? changes.next_run_at : current.next_run_at;
    if (task_status === 'ready' && timing.run_at !== null && nextRunAt === null) throw passedRunAtError();
    if (dependsOn) await this.storeDependencies(current, dependsOn);
    // Enabled again, or made chained, a chained task starts from its next round (SPEC §13).
    // (Dependencies given here are new edges: they count from now already.)
    else if (isChained(timing) && (resumed || !isChained(current)))
      await this.deps.dependencies.countRoundsFromNow(id);
    // Re-arming a task that is already ready changes nothing.
    if (Object.keys(changes).length === 0) return current;
    // A re-arm applies only while the task is still failed: a run may have started since it was read.
    const updated = await this.deps.tasks.update(id, changes, rearm ? 'failed' : undefined);
    if (!updated) {
      const latest = await this.get(id);
      throw latest.task_status === 'running'
        ? runningConflict()
        : new TaskConflictError(`The task became ${latest.task_status} meanwhile: read it again and retry.`, {
            task_status: latest.task_status,
          });
    }
    const paused = fields.enabled === false && current.enabled;
    if ((retimed || paused) && current.task_status === 'running') {
      return this.announced('task.updated', (await this.withdrawQueuedScheduleRun(id)) ?? updated);
    }
    return this.announced('task.updated', updated);
  }

  /** A task made chained needs a dependency to release it: given now, or already stored. */
  private async assertChainable(
    id: string,
    dependsOn: string[] | undefined,
    field: 'task_schedule' | 'run_at',
  ): Promise<void> {
    const count = dependsOn ? dependsOn.length : (await this.deps.dependencies.of(id)).dependsOn.length;
    if (count > 0) return;
    const message =
      'a task with neither task_schedule nor run_at runs after its dependencies: expected depends_on with at least one task id, or a new task_schedule or run_at';
    throw new TaskValidationError(`${field}: ${message}`, 'VALIDATION_ERROR', { [field]: message });
  }

  /** Publishes a task's change for live dashboards, and answers the task. */
  /** The task with the tasks it runs after and its next instants, as answers show it. */
  private async planned(task: TaskRow): Promise<PlannedTask> {
    const { dependsOn } = await this.deps.dependencies.of(task.id);
    return { ...task, ...dependenciesOf(dependsOn), next_runs: nextRuns(task) };
  }

  private announced(event: 'task.created' | 'task.updated', task: TaskRow): TaskRow {
    this.deps.events?.emit(event, { task_id: task.id, task_status: task.task_status, enabled: task.enabled });
    return task;
  }

  /** The task's signing secret (GET /api/tasks/:id/secret). */
  async getSecret(id: string): Promise<{ signing_secret: string }> {
    const task = await this.get(id);
    return { signing_secret: task.signing_secret };
  }

  /** A new signing secret; the one before keeps signing for 24 h (SPEC §14). */
  async rotateSecret(id: string): Promise<{ signing_secret: string }> {
    const rotated = isUuid(id) ? await this.deps.tasks.rotateSecret(id, newSigningSecret()) : undefined;
    if (!rotated) throw new TaskNotFoundError(id);
    return { signing_secret: rotated.signing_secret };
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id)) throw new TaskNotFoundError(id);
    // Its run in flight goes with it: its queued job is taken out, and a request a worker is
    // making is aborted (as a cancel does), not left to run to its timeout holding a slot of
    // its destination.
    const [task, { current }] = await Promise.all([
      this.deps.tasks.findById(id),
      this.deps.runs.currentAndLast(id),
    ]);
    const deleted =
      task !== undefined && (await this.deps.tasks.delete(id, dependencyDeletedNote, strandedChainReason));
    if (!deleted) throw new TaskNotFoundError(id);
    this.deps.events?.emit('task.deleted', { task_id: id });
    if (current) {
      // Best effort: missed (Redis out of reach), its worker drops the run when it finds it gone.
      await withdrawRun(this.deps.queue, this.deps.redis, this.deps.prefix, current.id, task.job_id).catch(
        () => undefined,
      );
    }
  }

  /**
   * Pause or resume. Resuming looks forward from now: instants missed while
   * paused are skipped. Pausing withdraws a scheduled run claimed and not started yet.
   */
  async toggle(id: string): Promise<PlannedTask> {
    return this.planned(await this.flipEnabled(id));
  }

  private async flipEnabled(id: string): Promise<TaskRow> {
    const current = await this.get(id);
    // Enabled again, a chained task starts from its next round, as others from their next instant.
    if (!current.enabled && isChained(current)) await this.deps.dependencies.countRoundsFromNow(id);
    // Pausing plans nothing, so a task whose schedule cannot be planned can still be paused.
    const resumeAt = current.enabled ? null : nextDueInstant(current, this.now());
    const toggled = await this.deps.tasks.toggleEnabled(id, resumeAt);
    if (!toggled) throw new TaskNotFoundError(id);
    if (!toggled.enabled && toggled.task_status === 'running') {
      return this.announced('task.updated', (await this.withdrawQueuedScheduleRun(id)) ?? toggled);
    }
    return this.announced('task.updated', toggled);
  }

  /** Run now, outside the schedule, for a ready or failed task, enabled or not: the run it made. */
  async runNow(id: string): Promise<RunListItem> {
    const { task, run } = await this.startRun(id, { trigger: 'manual' });
    return { ...run, task_name: task.task_name };
  }

  /**
   * Starts a run of a ready or failed task now (run now, retry). Its due instant
   * is the request's instant. A failed task is re-armed from now, so its stale
   * due instant does not fire again after this run.
   */
  async startRun(id: string, order: RunOrder): Promise<StartedRun> {
    const current = await this.get(id);
    const scheduledFor = this.now();
    const jobId = deliveryJobId(id, scheduledFor);
    const nextRunAt = current.task_status === 'failed' ? nextDueInstant(current, scheduledFor) : undefined;
    const started = await this.deps.tasks.startRun(id, ['ready', 'failed'], {
      jobId,
      trigger: order.trigger,
      scheduledFor,
      retryOf: order.retryOf ?? null,
      payloadOverride: order.payloadOverride === undefined ? null : JSON.stringify(order.payloadOverride),
      nextRunAt,
    });
    if (!started) {
      const latest = await this.get(id);
      throw new TaskConflictError(
        `The task is ${latest.task_status}: wait for its run to end, or cancel it, before starting another.`,
        { task_status: latest.task_status },
      );
    }
    try {
      await enqueueDeliveries(
        this.deps.queue,
        [
          {
            runId: started.run.id,
            taskId: id,
            scheduledFor,
            maxRetry: started.task.max_retry,
            trigger: order.trigger,
            destination: destinationOf(started.task.webhook_url),
            priority: started.task.priority,
            deliverBy: started.run.deliver_by,
          },
        ],
        this.deps.retryBackoffMs,
      );
    } catch (error) {
      // Nothing was queued: hand the task back as it was.
      await this.deps.tasks.unstartRun(
        started.run.id,
        id,
        jobId,
        current.task_status === 'failed' ? 'failed' : 'ready',
      );
      throw error;
    }
    const { run } = started;
    this.deps.events?.emit('run.queued', {
      run_id: run.id,
      task_id: id,
      status: run.status,
      trigger: run.trigger,
      scheduled_for: run.scheduled_for.toISOString(),
    });
    return started;
  }

  /** SPEC §14: a task's timeout is at most WEBHOOK_TIMEOUT_MAX_MS. */
  private assertTimeoutWithinMax(timeoutMs: number | null | undefined): void {
    const max = this.deps.timeoutMaxMs ?? DEFAULT_TIMEOUT_MAX_MS;
    if (timeoutMs !== undefined && timeoutMs !== null && timeoutMs > max) {
      const message = `expected at most ${max} ms (WEBHOOK_TIMEOUT_MAX_MS), got ${timeoutMs}`;
      throw new TaskValidationError(`timeout_ms: ${message}`, 'VALIDATION_ERROR', { timeout_ms: message });
    }
  }

  /** SPEC §14: an IP literal of a class webhooks may not reach is refused when saved. */
  private assertSafeTarget(url: string, field: 'webhook_url' | 'alert_url' = 'webhook_url'): void {
    const problem = urlTargetProblem(this.deps.allowList ?? EMPTY_ALLOW_LIST, url);
    if (problem) {
      throw new TaskValidationError(`${field}: ${problem}`, 'VALIDATION_ERROR', { [field]: problem });
    }
  }

  /**
   * Cancels the task's scheduled run if it is claimed and not started yet (its
   * task was retimed or paused meanwhile), and answers the task as it then is.
   */
  private async withdrawQueuedScheduleRun(id: string): Promise<TaskRow | undefined> {
    const result = await this.deps.runs.cancel(
      { taskId: id, onlyQueuedSchedule: true },
      CHANGED_BEFORE_REQUEST,
      CHANGED_BEFORE_REQUEST,
    );
    if (result.kind !== 'cancelled') return undefined;
    this.deps.events?.emit('run.finished', { run_id: result.run.id, task_id: id, status: 'cancelled' });
    await withdrawRun(this.deps.queue, this.deps.redis, this.deps.prefix, result.run.id, result.jobId).catch(
      () => undefined,
    );
    return this.deps.tasks.findById(id);
  }
}

/**
 * The cycle that depending on `dependsOn` would close: [task, …, task], following depends_on
 * from the task back to itself; undefined when there is none.
 */
function cycleThrough(
  taskId: string,
  dependsOn: readonly string[],
  edges: readonly { task_id: string; depends_on: string }[],
): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    // The task's own current edges are being replaced by dependsOn.
    if (edge.task_id === taskId) continue;
    next.set(edge.task_id, [...(next.get(edge.task_id) ?? []), edge.depends_on]);
  }
  next.set(taskId, [...dependsOn]);
  const cameFrom = new Map<string, string>();
  const queue = [taskId];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const to of next.get(at) ?? []) {
      if (to === taskId) {
        // Back from `at` to the task, then read forwards: task → … → at → task.
        const path = [at];
        while (path[0] !== taskId) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, taskId];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, at);
        queue.push(to);
      }
    }
  }
  return undefined;
}

/**
 * The next 5 instants the task comes due; none when its schedule cannot be read, and none
 * while it is disabled or failed: it comes due again only once enabled or re-armed, from
 * then on (its stored next_run_at may be long past by then).
 */
/** depends_on as given (ids) and as shown (named). */
function dependenciesOf(tasks: NamedTask[]): Pick<PlannedTask, 'depends_on' | 'dependencies'> {
  return { depends_on: tasks.map((task) => task.id), dependencies: tasks };
}

/** The fields that decide when a task comes due. */
const TIMING_FIELDS = [
  'task_schedule',
  'run_at',
  'timezone',
  'starts_at',
  'ends_at',
  'paused_until',
  'catch_up',
  'jitter_ms',
] as const;

/** Whether two field values are the same (instants by their time). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return (a ?? null) === (b ?? null);
}

/** SPEC §13: a task with neither schedule nor instant runs after its dependencies. */
function isChained(task: { task_schedule: string | null; run_at: Date | null }): boolean {
  return task.task_schedule === null && task.run_at === null;
}

function nextRuns(task: TaskRow): Date[] {
  if (!task.enabled || task.task_status === 'failed') return [];
  try {
    return upcomingDueInstants(task, 5);
  } catch {
    return [];
  }
}

/** WEBHOOK_TIMEOUT_MAX_MS when the service is not told. */
const DEFAULT_TIMEOUT_MAX_MS = 60_000;

/**
 * A method that sends no body, set on a task that has a payload: refused unless the
 * payload is emptied in the same change (the schema checks a payload sent with it).
 */
function assertBodyFitsMethod(
  method: string | undefined,
  payload: unknown,
  current: Pick<TaskRow, 'json_payload'>,
): void {
  if (method === undefined || !isBodyless(method)) return;
  if (payload !== undefined || isEmptyPayload(current.json_payload)) return;
  const message = `${method} sends no body, and this task has a payload: expected json_payload {} with it`;
  throw new TaskValidationError(`json_payload: ${message}`, 'VALIDATION_ERROR', { json_payload: message });
}

/** A Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** SPEC §11: a run_at more than RUN_AT_GRACE_MS in the past is refused; within it, it fires at once. */
function assertRunAtAhead(runAt: Date, now: Date): void {
  if (runAt.getTime() < now.getTime() - RUN_AT_GRACE_MS) {
    const message = `${runAt.toISOString()} is more than ${RUN_AT_GRACE_MS / 1000} s in the past: expected a future instant (or one at most ${RUN_AT_GRACE_MS / 1000} s ago, which fires at once)`;
    throw new TaskValidationError(`run_at: ${message}`, 'VALIDATION_ERROR', { run_at: message });
  }
}

/** SPEC §13: a jitter as long as the schedule's interval would reorder its runs: refused, naming jitter_ms. */
function assertJitterFits(schedule: string | null, timezone: string, jitterMs: number, now: Date): void {
  const problem = schedule === null ? undefined : jitterProblem(schedule, timezone, jitterMs, now);
  if (problem)
    throw new TaskValidationError(`jitter_ms: ${problem}`, 'VALIDATION_ERROR', { jitter_ms: problem });
}

/** A pause that has ended pauses nothing: a paused_until more than RUN_AT_GRACE_MS past is a mistake, refused. */
function assertPauseAhead(pausedUntil: Date, now: Date): void {
  if (pausedUntil.getTime() < now.getTime() - RUN_AT_GRACE_MS) {
    const message = `${pausedUntil.toISOString()} has passed: expected a future instant (a pause that has ended pauses nothing), or null to lift a pause`;
    throw new TaskValidationError(`paused_until: ${message}`, 'VALIDATION_ERROR', { paused_until: message });
  }
}

/** SPEC §11: `task_status: "ready"` alone on a one-time task whose run_at has passed. */
function passedRunAtError(): TaskValidationError {
  return new TaskValidationError(
    'task_status: this one-time task has passed its run_at: give a future run_at, or run it now',
    'VALIDATION_ERROR',
    {
      task_status:
        'this one-time task has passed its run_at: expected a future run_at with it, or run it now (POST /api/tasks/:id/execute)',
    },
  );
}

/**
 * SPEC §13: each dependency an existing task, not the task itself, and no cycle — also one
 * closed through other tasks' dependencies — named task by task. Throws to refuse.
 */
function checkDependencies(
  task: { id: string; task_name: string },
  dependsOn: readonly string[],
  graph: CheckedGraph,
): void {
  const taskId = task.id;
  const refuse = (message: string): never => {
    throw new TaskValidationError(`depends_on: ${message}`, 'VALIDATION_ERROR', { depends_on: message });
  };
  if (dependsOn.includes(taskId)) {
    refuse(`a task cannot depend on itself: "${task.task_name}" (${taskId}); expected ids of other tasks`);
  }
  const known = new Set(graph.existing.map((existing) => existing.id));
  const unknown = dependsOn.filter((id) => !known.has(id));
  if (unknown.length > 0) refuse(`no task has the id ${unknown.join(', ')}: expected ids of existing tasks`);
  const cycle = cycleThrough(taskId, dependsOn, graph.edges);
  if (cycle) {
    const named = (id: string) => `"${graph.names.get(id) ?? 'this task'}" (${id})`;
    refuse(
      `this would make a cycle: ${cycle.map(named).join(' → ')}; expected dependencies that do not lead back to the task`,
    );
  }
}
