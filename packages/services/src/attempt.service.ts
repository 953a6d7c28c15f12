import type { LogListParams, TaskLogsParams } from '@scheduler/core';
import type { AttemptListItem, AttemptRepository } from '@scheduler/db';
import { toPage, type Page } from './page';
import type { TaskService } from './task.service';

export interface AttemptServiceDeps {
  attempts: AttemptRepository;
  /** Decides whether a task exists (and what an unknown id answers). */
  tasks: TaskService;
}

/** The delivery attempts (`task_logs`): all of them, or one task's. */
export class AttemptService {
  constructor(private readonly deps: AttemptServiceDeps) {}

  async list(params: LogListParams): Promise<Page<AttemptListItem>> {
    const { rows, total } = await this.deps.attempts.list({
      page: params.page,
      limit: params.limit,
      taskId: params.task_id,
      status: params.status,
      from: params.from,
      to: params.to,
    });
    return toPage(rows, total, params.page, params.limit);
  }

  /** One task's attempts; TaskNotFoundError when the task does not exist. */
  async listForTask(taskId: string, params: TaskLogsParams): Promise<Page<AttemptListItem>> {
    await this.deps.tasks.get(taskId);
    return this.list({ ...params, task_id: taskId });
  }
}
