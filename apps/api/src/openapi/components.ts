import type { SchemaObject } from '@nestjs/swagger';
import {
  createTaskSchema,
  destinationLimitsSchema,
  retryRunSchema,
  updateTaskSchema,
  webhookTestSchema,
} from '@scheduler/core';
import { z } from 'zod';
import { exampleTaskId, exampleTaskInput } from './examples';
import {
  dashboardStatsResponse,
  errorResponse,
  healthResponse,
  healthUnavailableResponse,
} from './report-schemas';
import {
  attemptListItemResponse,
  attemptPageResponse,
  attemptResponse,
  cancelledRunResponse,
  destinationListResponse,
  destinationResponse,
  createdTaskResponse,
  queuedRunResponse,
  retryRunResponse,
  runDetailResponse,
  runPageResponse,
  runResponse,
  signingSecretResponse,
  taskDetailResponse,
  taskListItemResponse,
  taskPageResponse,
  taskResponse,
  webhookTestResponse,
} from './response-schemas';

/** A zod schema as an OpenAPI 3.0 schema; dates are sent as ISO-8601 strings. */
export function toOpenApi(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'openapi-3.0',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      }
    },
  });
  return json as SchemaObject;
}

/** What each task field means: the request schemas come from the domain, without prose. */
const taskFieldDocs: Record<string, SchemaObject> = {
  task_name: {
    description: 'What the task is called, 1 to 200 characters.',
    example: exampleTaskInput.task_name,
  },
  task_schedule: {
    description:
      'Cron: 5 fields, or 6 with seconds first; L, # and W; names of months and days; @yearly @annually ' +
      '@monthly @weekly @daily @hourly. Checked by the parser the publisher runs: an invalid one is ' +
      'refused with INVALID_SCHEDULE naming the field, the value and the accepted range. ' +
      'A task has task_schedule or run_at, never both; on PATCH, giving one clears the other. ' +
      'null with no new run_at (PATCH) clears both: the task becomes chained, run after its ' +
      'depends_on (given, or stored; at least one, else 400).',
    example: exampleTaskInput.task_schedule,
  },
  run_at: {
    description:
      'A one-time task: the instant it fires, RFC 3339 with an offset (2025-05-01T09:00:00Z, ' +
      '2025-05-01T11:00:00+02:00). At most 60 s in the past (it then fires at once). After its run, ' +
      'next_run_at is null; a PATCH with a future run_at arms it again, and null with no new ' +
      'task_schedule makes the task chained, as task_schedule: null does.',
    example: '2025-05-01T09:00:00Z',
  },
  webhook_url: {
    description: 'Where the payload is POSTed: an http or https URL.',
    example: exampleTaskInput.webhook_url,
  },
  json_payload: {
    description:
      'A JSON object or array, at most 64 KiB serialized. Its string values may hold placeholders, replaced in each request: {{scheduled_for}} (ISO 8601, UTC), {{scheduled_for_unix}}, {{scheduled_for_local}} (ISO 8601 in the task’s timezone), {{task_id}}, {{task_name}}, {{run_id}}, {{attempt}} (1-based), {{trigger}}; an unknown name or an unclosed {{ is refused.',
    oneOf: [{ type: 'object' }, { type: 'array', items: {} }],
    example: exampleTaskInput.json_payload,
  },
  max_retry: { description: 'Retries after the first attempt, 0 to 10 (default 3).', example: 3 },
  priority: {
    description:
      'From 1 (lowest) to 10 (highest), default 5: whenever runs wait (workers busy, a destination held or at its limit), higher priority goes first; equal priority in due order.',
    example: 5,
  },
  timezone: { description: 'IANA timezone the schedule is read in (default UTC).', example: 'Europe/Paris' },
  enabled: { description: 'false creates or sets it paused (default true).', example: true },
  task_status: {
    description: 'Only "ready", to re-arm a failed task: its next run is computed from now.',
    example: 'ready',
  },
  depends_on: {
    description:
      'Up to 20 ids of tasks it runs after (SPEC §13); the whole set, replaced on PATCH. Unknown ids, itself, duplicates and cycles are refused, a cycle named task by task. With neither task_schedule nor run_at the task is chained: it gets a run (trigger dependency) once the latest ended run of every dependency is a finish newer than its own latest run and than the moment it came to depend on it (a round over before the task existed or had this dependency is not its own) — once per round, a fan-in of several dependencies once, when the last has finished.',
    example: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
  },
  starts_at: {
    description: 'No run comes due before this instant (RFC 3339 with an offset); null clears it.',
    example: '2025-05-01T00:00:00Z',
  },
  ends_at: {
    description:
      'No run comes due after this instant; past it next_run_at is null. After starts_at; in the future on create. null clears it.',
    example: '2025-12-31T23:00:00Z',
  },
  paused_until: {
    description:
      'No run comes due before this instant; it clears itself. Instants it covers are caught up as catch_up says. In the future (or at most 60 s past). null clears it.',
    example: '2025-05-12T07:00:00Z',
  },
  deliver_within_ms: {
    description:
      'At least 1000: a run not delivered within this long after it came due ends expired (TIMEOUT), with no attempt, retry or wait after it. null: no deadline.',
    example: 600000,
  },
  catch_up: {
    description:
      'Instants missed while nothing ran (publishers down, a pause): latest (default; one run, for the latest), none (skipped; the next run is the next future instant), all (one run each, the latest 100 at most, oldest first, back to back).',
    example: 'latest',
  },
  jitter_ms: {
    description:
      '0 to 3600000 (default 0), and less than the schedule’s shortest interval (so runs keep their order): each run comes due at a stable pseudo-random offset in [0, jitter_ms] after its instant; scheduled_for stays the instant.',
    example: 30000,
  },
  http_method: {
    description:
      'POST (default), PUT, PATCH, DELETE or GET. GET and DELETE send no body: json_payload is then optional (stored as {}) and a non-empty one is refused.',
    example: 'POST',
  },
  headers: {
    description:
      'Up to 20 request headers, name → string value (names are tokens, values at most 2,048 characters on one line). Host, Content-Length, Transfer-Encoding, Connection and webhook-* are refused. Sensitive values (Authorization, Cookie, names containing token, secret, key or password) are stored as given and shown masked; a masked value sent back unchanged keeps the stored one.',
    example: { 'X-Team': 'reports' },
  },
  alert_url: {
    description:
      'Where this task’s alerts go (SPEC §14: task.failed, task.disabled, task.recovered, task.late, task.late_recovered and digest), besides ALERT_WEBHOOK_URL: an http(s) URL checked as webhook_url is (safe targets). A Discord webhook gets a message, any other URL JSON { type, task, run_id, message, at }, signed with the task’s secret. null clears it.',
    example: 'https://discord.com/api/webhooks/1234567890/alerts-token',
  },
  task_id: {
    description:
      'Send test only: the task whose secret signs the request, whose name and timezone its placeholders take, and whose stored header values masked ones stand for.',
    example: exampleTaskId,
  },
  timeout_ms: {
    description:
      'The request’s time limit, 1000 to WEBHOOK_TIMEOUT_MAX_MS (default 60000) milliseconds; unset or null: WEBHOOK_TIMEOUT_MS.',
    example: 15000,
  },
};

function withFieldDocs(schema: SchemaObject, example: object): SchemaObject {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [
      name,
      { ...(property as SchemaObject), ...taskFieldDocs[name] },
    ]),
  );
  return { ...schema, properties, example };
}

/** Every named schema of the document, referenced by the routes' decorators. */
export const componentSchemas = {
  CreateTask: withFieldDocs(toOpenApi(createTaskSchema, 'input'), exampleTaskInput),
  UpdateTask: withFieldDocs(toOpenApi(updateTaskSchema, 'input'), {
    task_schedule: '30 8 * * 1-5',
    timezone: 'Asia/Tokyo',
    paused_until: '2025-05-12T07:00:00Z',
    catch_up: 'none',
  }),
  Task: toOpenApi(taskResponse, 'output'),
  CreatedTask: toOpenApi(createdTaskResponse, 'output'),
  SigningSecret: toOpenApi(signingSecretResponse, 'output'),
  TaskListItem: toOpenApi(taskListItemResponse, 'output'),
  TaskDetail: toOpenApi(taskDetailResponse, 'output'),
  TaskPage: toOpenApi(taskPageResponse, 'output'),
  TaskLog: toOpenApi(attemptResponse, 'output'),
  TaskLogListItem: toOpenApi(attemptListItemResponse, 'output'),
  TaskLogPage: toOpenApi(attemptPageResponse, 'output'),
  Run: toOpenApi(runResponse, 'output'),
  RunDetail: toOpenApi(runDetailResponse, 'output'),
  RunPage: toOpenApi(runPageResponse, 'output'),
  QueuedRun: toOpenApi(queuedRunResponse, 'output'),
  CancelledRun: toOpenApi(cancelledRunResponse, 'output'),
  RetriedRun: toOpenApi(retryRunResponse, 'output'),
  RetryRun: {
    ...toOpenApi(retryRunSchema, 'input'),
    description:
      'Optional. json_payload is sent instead of the task’s payload, for this run only; validated as a task’s payload.',
    example: { json_payload: { content: 'The daily report is ready (sent again).' } },
  },
  WebhookTest: withFieldDocs(
    {
      ...toOpenApi(webhookTestSchema, 'input'),
      description:
        'One request now, as a task with these fields would send it: json_payload rendered (templates) and checked (Discord), headers, method and timeout as a task’s; task_id signs it with that task’s secret.',
    },
    {
      webhook_url: 'https://discord.com/api/webhooks/123456789012345678/token?wait=true',
      json_payload: { content: 'Test of {{task_name}}: due <t:{{scheduled_for_unix}}:R>' },
      task_id: exampleTaskId,
    },
  ),
  WebhookTestResult: toOpenApi(webhookTestResponse, 'output'),
  Destination: toOpenApi(destinationResponse, 'output'),
  DestinationList: toOpenApi(destinationListResponse, 'output'),
  DestinationLimits: {
    ...toOpenApi(destinationLimitsSchema, 'input'),
    description:
      'Any of the three; null clears one (the default applies). A rate needs both rate_limit_max and rate_limit_per_seconds.',
    example: { max_concurrency: 2, rate_limit_max: 5, rate_limit_per_seconds: 2 },
  },
  DashboardStats: toOpenApi(dashboardStatsResponse, 'output'),
  Health: toOpenApi(healthResponse, 'output'),
  HealthUnavailable: toOpenApi(healthUnavailableResponse, 'output'),
  Error: toOpenApi(errorResponse, 'output'),
} satisfies Record<string, SchemaObject>;

export type ComponentName = keyof typeof componentSchemas;

export const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
