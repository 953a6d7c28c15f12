import type {
  AttemptListItem,
  AttemptRow,
  RunListItem,
  RunWithAttempts,
  TaskWithLastAttempt,
} from '@scheduler/db';
import {
  createdTask,
  type DashboardStats,
  type DestinationView,
  type Page,
  type PlannedTask,
  publicTask,
  type PublicTask,
  type TaskDetail,
  type WebhookTestResult,
} from '@scheduler/services';
import type { z } from 'zod';
import type { dashboardStatsResponse, healthResponse, healthUnavailableResponse } from './report-schemas';
import type {
  attemptListItemResponse,
  createdTaskResponse,
  signingSecretResponse,
  attemptPageResponse,
  attemptResponse,
  destinationListResponse,
  destinationResponse,
  runDetailResponse,
  runPageResponse,
  runResponse,
  taskDetailResponse,
  taskPageResponse,
  taskFieldsResponse,
  taskResponse,
  webhookTestResponse,
} from './response-schemas';

/** The response types, derived from the documented schemas. */
export type TaskResponse = z.output<typeof taskResponse>;
export type CreatedTaskResponse = z.output<typeof createdTaskResponse>;
export type SigningSecretResponse = z.output<typeof signingSecretResponse>;
export type TaskDetailResponse = z.output<typeof taskDetailResponse>;
export type TaskPageResponse = z.output<typeof taskPageResponse>;
export type AttemptPageResponse = z.output<typeof attemptPageResponse>;
export type RunResponse = z.output<typeof runResponse>;
export type RunDetailResponse = z.output<typeof runDetailResponse>;
export type RunPageResponse = z.output<typeof runPageResponse>;
export type DestinationResponse = z.output<typeof destinationResponse>;
export type DestinationListResponse = z.output<typeof destinationListResponse>;
export type DashboardStatsResponse = z.output<typeof dashboardStatsResponse>;
export type HealthResponse = z.output<typeof healthResponse>;
export type WebhookTestResponse = z.output<typeof webhookTestResponse>;
export type HealthUnavailableResponse = z.output<typeof healthUnavailableResponse>;

// Compile-time guards: a column added to a table must be documented (or left out here) on purpose.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
const taskColumnsDocumented: SameKeys<PublicTask, z.output<typeof taskFieldsResponse>> = true;
const attemptColumnsDocumented: SameKeys<AttemptRow, z.output<typeof attemptResponse>> = true;
const attemptListItemDocumented: SameKeys<AttemptListItem, z.output<typeof attemptListItemResponse>> = true;
const statsDocumented: SameKeys<DashboardStats, DashboardStatsResponse> = true;
const runColumnsDocumented: SameKeys<RunListItem, RunResponse> = true;
const destinationDocumented: SameKeys<DestinationView, DestinationResponse> = true;
const webhookTestDocumented: SameKeys<WebhookTestResult, WebhookTestResponse> = true;
void webhookTestDocumented;
void destinationDocumented;
void runColumnsDocumented;
void taskColumnsDocumented;
void attemptColumnsDocumented;
void attemptListItemDocumented;
void statsDocumented;

export function taskView(task: PlannedTask): TaskResponse {
  return publicTask(task);
}

export function createdTaskView(task: PlannedTask): CreatedTaskResponse {
  return createdTask(task);
}

export function taskDetailView(task: TaskDetail): TaskDetailResponse {
  return {
    ...taskView(task),
    logs: task.logs,
    dependents: task.dependents,
    current_run: task.current_run,
    last_run: task.last_run,
    punctuality: task.punctuality,
  };
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

export function runView(run: RunListItem): RunResponse {
  return run;
}

export function runDetailView(run: RunWithAttempts): RunDetailResponse {
  return run;
}

export function runPageView(page: Page<RunListItem>): RunPageResponse {
  return page;
}

export function dashboardStatsView(stats: DashboardStats): DashboardStatsResponse {
  return stats;
}

export function destinationView(destination: DestinationView): DestinationResponse {
  return destination;
}

export function destinationListView(destinations: DestinationView[]): DestinationListResponse {
  return { data: destinations };
}
