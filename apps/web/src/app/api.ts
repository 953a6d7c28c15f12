import {
  createApi,
  fetchBaseQuery,
  type BaseQueryFn,
  type FetchArgs,
  type FetchBaseQueryError,
} from '@reduxjs/toolkit/query/react';
import { normalizeApiUrl, type SettingsState } from '../features/settings/settingsSlice';
import type {
  DashboardStats,
  Destination,
  DestinationLimits,
  LogListQuery,
  Page,
  Run,
  RunDetail,
  RunListItem,
  RunListQuery,
  Task,
  TaskDetail,
  TaskInput,
  TaskListItem,
  TaskListQuery,
  TaskLogListItem,
  TaskLogQuery,
  TaskPatch,
  TaskRunsQuery,
  WebhookTestInput,
  WebhookTestResult,
} from './api-types';

type ApiBaseQuery = BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError>;

/** A base query bound to one API location and key (the saved settings, or a draft being tested). */
export function baseQueryFor(settings: SettingsState): ApiBaseQuery {
  return fetchBaseQuery({
    baseUrl: normalizeApiUrl(settings.apiUrl),
    prepareHeaders: (headers) => {
      if (settings.apiKey) headers.set('X-API-KEY', settings.apiKey);
      return headers;
    },
  });
}

/** Reads the URL and key from the settings slice on every request, so a saved change applies at once. */
const settingsBaseQuery: ApiBaseQuery = (args, api, extraOptions) => {
  const { settings } = api.getState() as { settings: SettingsState };
  return baseQueryFor(settings)(args, api, extraOptions);
};

const listTag = { type: 'Task', id: 'LIST' } as const;
/** The Logs page's list of every task's attempts. */
const logListTag = { type: 'Log', id: 'LIST' } as const;
/**
 * A task's page shows the task (its last attempts feed the chart) and its attempts (the table) from
 * two queries: whatever refreshes one refreshes the other, so they never disagree.
 */
const taskTags = (id: string) => [{ type: 'Task', id } as const, { type: 'Log', id } as const];
/**
 * Runs: the Runs page's list, each run's page, and each task's list of runs (`Run` with id
 * `task:<id>`). Whatever starts or ends a run of a task (run now, retry, cancel) refreshes them
 * all together with the task, so the task's current run and its list of runs never disagree.
 */
const runListTag = { type: 'Run', id: 'LIST' } as const;
const taskRunsTag = (taskId: string) => ({ type: 'Run', id: `task:${taskId}` }) as const;
const runChangedTags = (run: Pick<Run, 'id' | 'task_id'> | undefined) =>
  run
    ? [
        runListTag,
        { type: 'Run', id: run.id } as const,
        taskRunsTag(run.task_id),
        ...taskTags(run.task_id),
        listTag,
        logListTag,
        'Stats' as const,
      ]
    : [runListTag, listTag, logListTag, 'Stats' as const];

/** What a live event (GET /api/events) changed: the queries to read again. */
export function liveEventTags(event: string, data: Record<string, unknown>) {
  const taskId = typeof data.task_id === 'string' ? data.task_id : undefined;
  const runId = typeof data.run_id === 'string' ? data.run_id : undefined;
  if (event.startsWith('task.')) return [listTag, 'Stats' as const, ...(taskId ? taskTags(taskId) : [])];
  if (event === 'destination.held') return ['Destination' as const];
  return runChangedTags(runId && taskId ? { id: runId, task_id: taskId } : undefined);
}

export const api = createApi({
  reducerPath: 'api',
  baseQuery: settingsBaseQuery,
  // A page opened again shows its cached data at once and refetches it, rather than showing what
  // it saw last time until the next refresh: other clients (the CLI, the worker) change things too.
  // Always (true): with a threshold (1 s) a page opened just after that entry's last poll kept its
  // rows for a whole refresh interval. Components mounting together share one request in flight.
  refetchOnMountOrArgChange: true,
  tagTypes: ['Task', 'Log', 'Run', 'Stats', 'Destination'],
  endpoints: (build) => ({
    getStats: build.query<DashboardStats, void>({
      query: () => '/api/dashboard/stats',
      providesTags: ['Stats'],
    }),
    listTasks: build.query<Page<TaskListItem>, TaskListQuery>({
      query: (params) => ({ url: '/api/tasks', params }),
      providesTags: (result) => [
        listTag,
        ...(result?.data ?? []).map(({ id }) => ({ type: 'Task' as const, id })),
      ],
    }),
    getTask: build.query<TaskDetail, string>({
      query: (id) => `/api/tasks/${encodeURIComponent(id)}`,
      providesTags: (_result, _error, id) => [{ type: 'Task', id }],
    }),
    listTaskLogs: build.query<Page<TaskLogListItem>, TaskLogQuery>({
      query: ({ taskId, page, limit }) => ({
        url: `/api/tasks/${encodeURIComponent(taskId)}/logs`,
        params: { page, limit },
      }),
      providesTags: (_result, _error, { taskId }) => [{ type: 'Log', id: taskId }],
    }),
    listLogs: build.query<Page<TaskLogListItem>, LogListQuery>({
      query: (params) => ({ url: '/api/logs', params }),
      providesTags: [logListTag],
    }),
    createTask: build.mutation<Task, TaskInput>({
      query: (body) => ({ url: '/api/tasks', method: 'POST', body }),
      invalidatesTags: [listTag, 'Stats'],
    }),
    updateTask: build.mutation<Task, { id: string; patch: TaskPatch }>({
      query: ({ id, patch }) => ({
        url: `/api/tasks/${encodeURIComponent(id)}`,
        method: 'PATCH',
        body: patch,
      }),
      invalidatesTags: (_result, _error, { id }) => [...taskTags(id), listTag, 'Stats'],
    }),
    deleteTask: build.mutation<null, string>({
      query: (id) => ({ url: `/api/tasks/${encodeURIComponent(id)}`, method: 'DELETE' }),
      // Not the task's own tags: its page, still open until the caller navigates away, would ask the
      // API for the task and its attempts again and get a 404.
      invalidatesTags: [listTag, logListTag, 'Stats'],
    }),
    toggleTask: build.mutation<Task, string>({
      query: (id) => ({ url: `/api/tasks/${encodeURIComponent(id)}/toggle`, method: 'POST' }),
      invalidatesTags: (_result, _error, id) => [...taskTags(id), listTag, 'Stats'],
    }),
    skipNextRun: build.mutation<Task, string>({
      query: (id) => ({ url: `/api/tasks/${encodeURIComponent(id)}/skip-next`, method: 'POST' }),
      invalidatesTags: (_result, _error, id) => [...taskTags(id), listTag],
    }),
    executeTask: build.mutation<RunListItem, string>({
      query: (id) => ({ url: `/api/tasks/${encodeURIComponent(id)}/execute`, method: 'POST' }),
      invalidatesTags: (_result, _error, id) => [
        ...taskTags(id),
        listTag,
        logListTag,
        runListTag,
        taskRunsTag(id),
        'Stats',
      ],
    }),
    listRuns: build.query<Page<RunListItem>, RunListQuery>({
      query: (params) => ({ url: '/api/runs', params }),
      providesTags: (result) => [
        runListTag,
        ...(result?.data ?? []).map(({ id }) => ({ type: 'Run' as const, id })),
      ],
    }),
    getRun: build.query<RunDetail, string>({
      query: (id) => `/api/runs/${encodeURIComponent(id)}`,
      providesTags: (_result, _error, id) => [{ type: 'Run', id }],
    }),
    listTaskRuns: build.query<Page<RunListItem>, TaskRunsQuery>({
      query: ({ taskId, page, limit }) => ({
        url: `/api/tasks/${encodeURIComponent(taskId)}/runs`,
        params: { page, limit },
      }),
      providesTags: (_result, _error, { taskId }) => [taskRunsTag(taskId)],
    }),
    /** A new run of a failed, cancelled or expired run; `json_payload` is sent instead of the task's. */
    retryRun: build.mutation<RunListItem, { id: string; json_payload?: unknown }>({
      query: ({ id, json_payload }) => ({
        url: `/api/runs/${encodeURIComponent(id)}/retry`,
        method: 'POST',
        body: json_payload === undefined ? {} : { json_payload },
      }),
      invalidatesTags: (result, _error, { id }) => [{ type: 'Run', id }, ...runChangedTags(result)],
    }),
    cancelRun: build.mutation<RunListItem, string>({
      query: (id) => ({ url: `/api/runs/${encodeURIComponent(id)}/cancel`, method: 'POST' }),
      invalidatesTags: (result, _error, id) => [{ type: 'Run', id }, ...runChangedTags(result)],
    }),
    listDestinations: build.query<{ data: Destination[] }, void>({
      query: () => '/api/destinations',
      providesTags: ['Destination'],
    }),
    /** A destination's own limits; the key is URL-encoded (an origin has `://` in it). */
    setDestination: build.mutation<Destination, { key: string; limits: DestinationLimits }>({
      query: ({ key, limits }) => ({
        url: `/api/destinations/${encodeURIComponent(key)}`,
        method: 'PUT',
        body: limits,
      }),
      invalidatesTags: ['Destination'],
    }),
    resetDestination: build.mutation<null, string>({
      query: (key) => ({ url: `/api/destinations/${encodeURIComponent(key)}`, method: 'DELETE' }),
      invalidatesTags: ['Destination'],
    }),
    /** The task form's "Send test" (SPEC §14): records nothing, so it invalidates nothing. */
    testWebhook: build.mutation<WebhookTestResult, WebhookTestInput>({
      query: (body) => ({ url: '/api/webhooks/test', method: 'POST', body }),
    }),
    /** Settings' "Test connection": the draft URL and key, not the saved ones. */
    checkConnection: build.mutation<DashboardStats, SettingsState>({
      queryFn: async (settings, queryApi, extraOptions) => {
        const result = await baseQueryFor(settings)('/api/dashboard/stats', queryApi, extraOptions);
        return result.error ? { error: result.error } : { data: result.data as DashboardStats };
      },
    }),
  }),
});

export const {
  useGetStatsQuery,
  useListTasksQuery,
  useGetTaskQuery,
  useListTaskLogsQuery,
  useListLogsQuery,
  useCreateTaskMutation,
  useUpdateTaskMutation,
  useDeleteTaskMutation,
  useToggleTaskMutation,
  useSkipNextRunMutation,
  useExecuteTaskMutation,
  useListRunsQuery,
  useGetRunQuery,
  useListTaskRunsQuery,
  useRetryRunMutation,
  useCancelRunMutation,
  useCheckConnectionMutation,
  useTestWebhookMutation,
  useListDestinationsQuery,
  useSetDestinationMutation,
  useResetDestinationMutation,
} = api;
