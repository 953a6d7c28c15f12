import path from 'node:path';
import { loadConfig, repoRoot } from '@scheduler/config';
import { expect } from 'vitest';
import type {
  AttemptPageResponse,
  DashboardStatsResponse,
  RunDetailResponse,
  RunPageResponse,
  RunResponse,
  TaskDetailResponse,
  TaskPageResponse,
  TaskResponse,
} from '../../apps/api/src/openapi/views';
import type { ErrorBody } from '../../apps/api/src/http/api-error';
import { OpenApiContract } from './openapi-contract';
import {
  baseEnv,
  clearPrefix,
  createTestDatabase,
  freePort,
  type RunningProcess,
  startProcess,
  type TestDatabase,
  testRedis,
  uniquePrefix,
} from '@scheduler/test-support';

export const apiMain = path.join(repoRoot, 'apps/api/dist/main.js');
export const API_KEY = 'test-api-key-0123456789abcdef';

/** A response type as it arrives over HTTP: instants are ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type Task = Wire<TaskResponse>;
export type TaskDetail = Wire<TaskDetailResponse>;
export type TaskPage = Wire<TaskPageResponse>;
export type LogPage = Wire<AttemptPageResponse>;
export type Run = Wire<RunResponse>;
export type RunDetail = Wire<RunDetailResponse>;
export type RunPage = Wire<RunPageResponse>;
export type Stats = Wire<DashboardStatsResponse>;
export type ApiErrorBody = ErrorBody;

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  /** A value to send as JSON, or a string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The X-API-KEY to send; null sends none. Defaults to the right one. */
  key?: string | null;
}

/** The built API as a process of its own, on a free port, its own database and Redis prefix. */
export interface RunningApi {
  url: string;
  database: TestDatabase;
  prefix: string;
  process: RunningProcess;
  request<T = unknown>(method: string, route: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** POST /api/tasks with a valid body (fields replaced by `overrides`); fails the test unless 201. */
  createTask(overrides?: Record<string, unknown>): Promise<Task>;
  stop(): Promise<void>;
}

export interface ApiOptions {
  /** Extra environment, e.g. API_RATE_LIMIT or a DATABASE_URL through a proxy. */
  env?: (database: TestDatabase) => Record<string, string>;
}

export async function startApi(options: ApiOptions = {}): Promise<RunningApi> {
  const database = await createTestDatabase();
  const prefix = uniquePrefix();
  const port = await freePort();
  const env = baseEnv({
    DATABASE_URL: database.url,
    REDIS_URL: loadConfig().redisUrl,
    REDIS_PREFIX: prefix,
    API_PORT: String(port),
    API_KEY,
    API_RATE_LIMIT: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    CORS_ORIGIN: 'http://dashboard.test',
    ...options.env?.(database),
  });
  const child = startProcess('api', apiMain, [], env);
  try {
    await child.waitForOutput(/API listening/, 20_000);
  } catch (error) {
    await child.stop('SIGKILL');
    await database.drop();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  let contract: Promise<OpenApiContract> | undefined;
  // Every answer is checked against the OpenAPI document this API serves.
  const request = async <T>(method: string, route: string, requestOptions?: RequestOptions) => {
    const response = await send<T>(url, method, route, requestOptions);
    contract ??= OpenApiContract.load(url);
    const problems = (await contract).problems({
      method,
      route,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: response.body,
    });
    if (problems.length > 0)
      throw new Error(`The answer disagrees with the OpenAPI document:\n${problems.join('\n')}`);
    return response;
  };
  return {
    url,
    database,
    prefix,
    process: child,
    request,
    async createTask(overrides) {
      const response = await request<Task>('POST', '/api/tasks', { body: taskInput(overrides) });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body;
    },
    async stop() {
      await child.stop('SIGTERM');
      const redis = testRedis();
      await clearPrefix(redis, prefix);
      await redis.quit();
      await database.drop();
    },
  };
}

async function send<T>(
  url: string,
  method: string,
  route: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.key !== null) headers['x-api-key'] = options.key ?? API_KEY;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...headers, ...options.headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
    parsed = JSON.parse(text);
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** The body every error has (SPEC §6), with the code asked for. */
export function errorShape(code: string) {
  return {
    error: {
      code,
      message: anyString(),
      details: expect.any(Object) as unknown,
      timestamp: stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    },
  };
}

// Asymmetric matchers, typed as what they stand for rather than `any`.
export const anyString = () => expect.any(String) as unknown;
export const stringMatching = (pattern: RegExp) => expect.stringMatching(pattern) as unknown;
export const stringContaining = (text: string) => expect.stringContaining(text) as unknown;

/** A valid task body, with any fields replaced. */
export function taskInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    task_name: 'Daily report',
    task_schedule: '0 9 * * *',
    webhook_url: 'http://127.0.0.1:9/webhook',
    json_payload: { content: 'The daily report is ready.' },
    ...overrides,
  };
}
