import type { AttemptListItem, AttemptRow, TaskRow, TaskWithLastAttempt } from '@scheduler/db';
import {
  type DashboardStats,
  type Page,
  publicTask,
  type PublicTask,
  type RunRequest,
} from '@scheduler/services';
import type { z } from 'zod';
import type { dashboardStatsResponse, healthResponse, healthUnavailableResponse } from './report-schemas';
import type {
  attemptListItemResponse,
  attemptPageResponse,
  attemptResponse,
  runAcceptedResponse,
  taskDetailResponse,
  taskPageResponse,
  taskResponse,
} from './response-schemas';

/** The response types, derived from the documented schemas. */
export type TaskResponse = z.output<typeof taskResponse>;
export type TaskDetailResponse = z.output<typeof taskDetailResponse>;
export type TaskPageResponse = z.output<typeof taskPageResponse>;
export type AttemptPageResponse = z.output<typeof attemptPageResponse>;
export type RunAcceptedResponse = z.output<typeof runAcceptedResponse>;
export type DashboardStatsResponse = z.output<typeof dashboardStatsResponse>;
export type HealthResponse = z.output<typeof healthResponse>;
export type HealthUnavailableResponse = z.output<typeof healthUnavailableResponse>;

// Compile-time guards: a column added to a table must be documented (or left out here) on purpose.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
const taskColumnsDocumented: SameKeys<PublicTask, TaskResponse> = true;
const attemptColumnsDocumented: SameKeys<AttemptRow, z.output<typeof attemptResponse>> = true;
const attemptListItemDocumented: SameKeys<AttemptListItem, z.output<typeof attemptListItemResponse>> = true;
const statsDocumented: SameKeys<DashboardStats, DashboardStatsResponse> = true;
void taskColumnsDocumented;
void attemptColumnsDocumented;
void attemptListItemDocumented;
void statsDocumented;

export function taskView(task: TaskRow): TaskResponse {
  return publicTask(task);
}

export function taskDetailView(task: TaskRow & { logs: AttemptRow[] }): TaskDetailResponse {
  return { ...taskView(task), logs: task.logs };
}

export function taskPageView(page: Page<TaskWithLastAttempt>): TaskPageResponse {
  return {
    data: page.data.map(publicTask),
    meta: page.meta,
  };
}

export function attemptPageView(page: Page<AttemptListItem>): AttemptPageResponse {
  return page;
}

export function runAcceptedView(run: RunRequest): RunAcceptedResponse {
  return {
    task_id: run.task.id,
    job_id: run.jobId,
    scheduled_for: run.scheduledFor,
    task: taskView(run.task),
  };
}

export function dashboardStatsView(stats: DashboardStats): DashboardStatsResponse {
  return stats;
}
