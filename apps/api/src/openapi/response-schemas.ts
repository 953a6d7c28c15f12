import {
  attemptStatuses,
  catchUpPolicies,
  httpMethods,
  runStatuses,
  runTriggers,
  taskStatuses,
} from '@scheduler/core';
import { z } from 'zod';
import {
  exampleAttempt,
  exampleAttemptListItem,
  exampleLastAttempt,
  exampleMeta,
  exampleRetryRun,
  exampleRun,
  exampleRunListItem,
  exampleNextRuns,
  exampleTask,
} from './examples';

/**
 * The response bodies, written once: the OpenAPI document is generated from these, and
 * the controllers' return types are derived from them, so a route cannot send a shape
 * other than the documented one without failing to compile (see views.ts).
 */
const instant = (description: string) => z.date().meta({ description, format: 'date-time' });
const uuid = (description: string) => z.string().meta({ description, format: 'uuid' });

/** A task's columns as answers show them (less what is internal or secret). */
export const taskFieldsResponse = z
  .object({
    id: uuid('The task id.'),
    task_name: z.string().meta({ description: 'What the task is called, 1 to 200 characters.' }),
    task_schedule: z
      .string()
      .nullable()
      .meta({ description: 'Cron expression, read in `timezone`; null for a one-time task (see run_at).' }),
    run_at: instant('A one-time task’s instant; null for a task with a schedule.').nullable(),
    webhook_url: z.string().meta({ description: 'Where the payload is POSTed (http or https).' }),
    json_payload: z.unknown().meta({
      description: 'The JSON object or array POSTed to the webhook.',
      oneOf: [{ type: 'object' }, { type: 'array', items: {} }],
    }),
    max_retry: z.number().int().meta({ description: 'Retries after the first attempt, 0 to 10.' }),
    priority: z.number().int().meta({
      description: 'From 1 (lowest) to 10 (highest): where runs wait, higher priority goes first.',
    }),
    task_status: z.enum(taskStatuses).meta({
      description: 'ready: waiting for its next run; running: a run is in flight; failed: out of retries.',
    }),
    enabled: z
      .boolean()
      .meta({ description: 'false while paused (by a user, or by its webhook: see disabled_reason).' }),
    disabled_reason: z.string().nullable().meta({
      description:
        'Why the task was disabled automatically: its webhook said it is gone (Discord code 10015 Unknown Webhook or 50027 Invalid Webhook Token, or HTTP 410 from any webhook). null otherwise; enabling the task clears it.',
    }),
    timezone: z.string().meta({ description: 'IANA timezone the schedule is read in.' }),
    next_run_at: instant(
      'When it next comes due (jitter applied, not before paused_until); null when it never fires again.',
    ).nullable(),
    last_run_at: instant('When a run was last enqueued.').nullable(),
    created_at: instant('When the task was created.'),
    updated_at: instant('When the task last changed.'),
    starts_at: instant('No run comes due before it; null: no start.').nullable(),
    ends_at: instant('No run comes due after it (next_run_at is then null); null: no end.').nullable(),
    paused_until: instant(
      'No run comes due before it; cleared once it has passed and the task was claimed.',
    ).nullable(),
    deliver_within_ms: z.number().int().nullable().meta({
      description:
        'A run not delivered within this many milliseconds after it came due ends expired (TIMEOUT); null: no deadline.',
    }),
    catch_up: z.enum(catchUpPolicies).meta({
      description:
        'Instants missed while nothing ran: latest (one run, for the latest), none (skipped), all (one run each, the latest 100, oldest first).',
    }),
    jitter_ms: z.number().int().meta({
      description: 'Each run comes due at a stable pseudo-random offset in [0, jitter_ms] after its instant.',
    }),
    http_method: z.enum(httpMethods).meta({
      description: 'The request’s method; GET and DELETE send no body (their json_payload is {}).',
    }),
    headers: z.record(z.string(), z.string()).meta({
      description:
        'The task’s own request headers, name → value. Values of Authorization, Cookie and names containing token, secret, key or password are shown masked (********, with the last 4 characters of a long value); sending a masked value back unchanged keeps the stored one.',
    }),
    timeout_ms: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The request’s time limit in milliseconds; null: WEBHOOK_TIMEOUT_MS.' }),
    alert_url: z.string().nullable().meta({
      description:
        'Where this task’s alerts go (task.failed, task.disabled, task.recovered, task.late, task.late_recovered, digest), besides ALERT_WEBHOOK_URL; signed with the task’s secret. null: none.',
    }),
  })
  .meta({ example: exampleTask });

const namedTask = z.object({ id: uuid('The task id.'), task_name: z.string() });

const dependencyExample = { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', task_name: 'Nightly export' };
const dependsOnExample = { depends_on: [dependencyExample.id], dependencies: [dependencyExample] };

/** One task as every answer about it shows it: create, change, toggle, skip-next, get. */
export const taskResponse = taskFieldsResponse
  .extend({
    depends_on: z
      .array(z.string().meta({ format: 'uuid' }))
      .meta({ description: 'The ids of the tasks it runs after (SPEC §13), as given.' }),
    dependencies: z.array(namedTask).meta({ description: 'The tasks it runs after, named.' }),
    next_runs: z.array(z.date().meta({ format: 'date-time' })).meta({
      description:
        'The next 5 instants it comes due: jitter, active range, pause and catch_up applied. Empty while it is disabled or failed, and for a chained task.',
    }),
  })
  .meta({ example: { ...exampleTask, ...dependsOnExample, next_runs: exampleNextRuns } });

const SECRET_DESCRIPTION =
  'The task’s Standard Webhooks secret: whsec_ + base64 of 32 random bytes. Requests carry webhook-signature: v1, + base64 HMAC-SHA256 of <webhook-id>.<webhook-timestamp>.<body> with it. Shown only in the create answer and by GET /api/tasks/{id}/secret.';
/** A placeholder, never a real secret: the document is public. */
const exampleSecret = 'whsec_…';

export const createdTaskResponse = taskResponse
  .extend({ signing_secret: z.string().meta({ description: SECRET_DESCRIPTION }) })
  .meta({
    example: {
      ...exampleTask,
      ...dependsOnExample,
      next_runs: exampleNextRuns,
      signing_secret: exampleSecret,
    },
  });

export const signingSecretResponse = z
  .object({ signing_secret: z.string().meta({ description: SECRET_DESCRIPTION }) })
  .meta({ example: { signing_secret: exampleSecret } });

export const webhookTestResponse = z
  .object({
    http_status: z.number().int().nullable().meta({
      description: 'The status the webhook answered; null when no answer came (timeout, network error).',
    }),
    execution_time: z.number().int().meta({
      description: 'Milliseconds from sending the request to the end of the answer (or the failure).',
    }),
    response: z
      .string()
      .nullable()
      .meta({ description: 'The answer’s body, its first 4 KiB; null when no answer came.' }),
    error: z.string().nullable().meta({
      description:
        'Why the test did not succeed: a status other than 2xx, a timeout, a network error; null when the webhook took it.',
    }),
  })
  .meta({ example: { http_status: 204, execution_time: 87, response: '', error: null } });

export const attemptResponse = z
  .object({
    id: uuid('The attempt id.'),
    task_id: uuid('The task it belongs to.'),
    execution_time: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Milliseconds from start to end; null while running.' }),
    status: z.enum(attemptStatuses),
    retry_count: z.number().int().meta({ description: '0 for the first attempt, 1 for the first retry, …' }),
    message: z.string().nullable().meta({ description: 'The response body (capped) or the error.' }),
    created_at: instant('When the attempt started.'),
    scheduled_for: instant('The due instant this attempt belongs to (for a run now: when it was asked).'),
    http_status: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The webhook’s status; null on a network error or timeout.' }),
    run_id: uuid('The run this attempt belongs to.'),
    response_id: z.string().nullable().meta({
      description:
        'The id of the message a Discord webhook posted, when its URL asks ?wait=true; null when there is none.',
    }),
  })
  .meta({ example: exampleAttempt });

export const runResponse = z
  .object({
    id: uuid('The run id; sent to the webhook as webhook-id, the same for every attempt of the run.'),
    task_id: uuid('The task it is a run of.'),
    task_name: z.string().meta({ description: 'The name of the task it is a run of.' }),
    scheduled_for: instant(
      'The due instant; for a run now or a retry, when it was asked for; for a chained run (trigger dependency), when the last of its dependencies finished.',
    ),
    trigger: z.enum(runTriggers).meta({
      description:
        'schedule: its schedule (or run_at) came due; manual: run now; retry: a retry of an ended run; dependency: its dependencies finished.',
    }),
    status: z.enum(runStatuses).meta({
      description:
        'queued: claimed, no attempt started; running: an attempt in flight or a retry pending; finish: delivered; failed: out of retries or refused; cancelled, expired, skipped: ended without a verdict.',
    }),
    attempt_count: z.number().int().meta({ description: 'Attempts made.' }),
    retry_of: uuid('The run this retry sends again; null otherwise.').nullable(),
    payload_override: z.unknown().meta({
      description:
        'The body sent instead of the task’s payload (a retry with an edited payload), an object or an array; null otherwise.',
      anyOf: [
        { type: 'object', nullable: true },
        { type: 'array', items: {}, nullable: true },
      ],
    }),
    message: z.string().nullable().meta({
      description:
        'Why it ended as it did; null while in flight, unless a note was made on its way (a dependency deleted while it waited: DEPENDENCY_DELETED naming it), which its end keeps after its own message, joined by " — ".',
    }),
    http_status: z.number().int().nullable().meta({ description: 'The status its last attempt got.' }),
    created_at: instant('When the run was made (claimed, or asked for).'),
    started_at: instant('When its first attempt started.').nullable(),
    finished_at: instant('When it ended; null while in flight.').nullable(),
    deliver_by: instant(
      'The instant by which it must be delivered (its due instant plus the task’s deliver_within_ms); past it the run ends expired. Null: no deadline.',
    ).nullable(),
    due_at: instant(
      'When it came due, where the task’s jitter_ms put that after scheduled_for (lateness counts from it); null: at scheduled_for.',
    ).nullable(),
    prior_task_status: z.enum(taskStatuses).meta({
      description: 'The task’s status before this run: what a cancelled run gives back (ready, or failed).',
    }),
  })
  .meta({ example: exampleRunListItem });

export const runDetailResponse = runResponse
  .extend({ attempts: z.array(attemptResponse).meta({ description: 'Its attempts, oldest first.' }) })
  .meta({ example: { ...exampleRunListItem, attempts: [exampleAttempt] } });

export const retryRunResponse = runResponse.meta({ example: exampleRetryRun });

export const lastAttemptResponse = attemptResponse
  .pick({ status: true, http_status: true, execution_time: true, created_at: true })
  .meta({ example: exampleLastAttempt });

const pageMeta = z
  .object({
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int().meta({ description: 'Items matching the filters, on all pages.' }),
    total_pages: z.number().int(),
  })
  .meta({ example: exampleMeta });

export const taskListItemResponse = taskFieldsResponse
  .extend({
    last_attempt: lastAttemptResponse.nullable().meta({ description: 'Null before the first attempt.' }),
    lateness_p99_ms: z.number().int().nullable().meta({
      description:
        'Its punctuality: the 99th percentile lateness in ms (from the instant a run came due to its first request) over its latest 100 `schedule` and `dependency` runs, as `punctuality.lateness_p99_ms` on the task. Null while no such run has started.',
    }),
  })
  .meta({ example: { ...exampleTask, last_attempt: exampleLastAttempt, lateness_p99_ms: 31 } });

const taskRunResponse = runResponse.omit({ task_name: true });

const lateness = (which: string) =>
  z
    .number()
    .int()
    .nullable()
    .meta({
      description: `${which} lateness in ms: from the instant a run came due to its first request. Null while no run has started.`,
    });

const punctualityResponse = z
  .object({
    runs: z
      .number()
      .int()
      .meta({ description: 'Runs counted: its latest 100 `schedule` and `dependency` runs.' }),
    lateness_p50_ms: lateness('Median'),
    lateness_p99_ms: lateness('99th percentile'),
    skipped: z
      .number()
      .int()
      .meta({ description: 'Of those, the runs that ended `skipped`: no request made.' }),
  })
  .meta({ description: 'How punctual its scheduled runs have been (SPEC §15).' });

export const taskDetailResponse = taskResponse
  .extend({
    logs: z.array(attemptResponse).meta({ description: 'The latest 20 attempts, newest first.' }),
    dependents: z.array(namedTask).meta({ description: 'The tasks that run after it.' }),
    current_run: taskRunResponse
      .nullable()
      .meta({ description: 'Its run queued or running; null when none.' }),
    last_run: taskRunResponse
      .nullable()
      .meta({ description: 'Its latest ended run; null before the first.' }),
    punctuality: punctualityResponse,
  })
  .meta({
    example: {
      ...exampleTask,
      logs: [exampleAttempt],
      next_runs: exampleNextRuns,
      ...dependsOnExample,
      dependents: [],
      current_run: null,
      last_run: exampleRun,
      punctuality: { runs: 42, lateness_p50_ms: 4, lateness_p99_ms: 31, skipped: 0 },
    },
  });

export const taskPageResponse = z.object({ data: z.array(taskListItemResponse), meta: pageMeta }).meta({
  example: {
    data: [{ ...exampleTask, last_attempt: exampleLastAttempt, lateness_p99_ms: 31 }],
    meta: exampleMeta,
  },
});

export const attemptListItemResponse = attemptResponse
  .extend({ task_name: z.string().meta({ description: 'The name of the task it belongs to.' }) })
  .meta({ example: exampleAttemptListItem });

export const attemptPageResponse = z
  .object({ data: z.array(attemptListItemResponse), meta: pageMeta })
  .meta({ example: { data: [exampleAttemptListItem], meta: exampleMeta } });

export const runPageResponse = z
  .object({ data: z.array(runResponse), meta: pageMeta })
  .meta({ example: { data: [exampleRunListItem], meta: exampleMeta } });

export const queuedRunResponse = runResponse.meta({
  example: {
    ...exampleRunListItem,
    trigger: 'manual',
    status: 'queued',
    attempt_count: 0,
    message: null,
    http_status: null,
    started_at: null,
    finished_at: null,
  },
});

export const cancelledRunResponse = runResponse.meta({
  example: {
    ...exampleRunListItem,
    status: 'cancelled',
    message: 'cancelled by a user',
    http_status: null,
  },
});

const exampleDestination = {
  key: 'discord:1234567890',
  max_concurrency: 10,
  rate_limit_max: null,
  rate_limit_per_seconds: null,
  in_flight: 1,
  held_until: '2025-05-01T09:00:02.000Z',
  held_reason: 'bucket exhausted (X-RateLimit-Remaining: 0)',
  waiting: 25,
  recent_429s: 0,
};

export const destinationResponse = z
  .object({
    key: z.string().meta({
      description:
        'The destination: an origin (scheme://host:port, the port always written) or discord:<webhook id> for a Discord webhook.',
    }),
    max_concurrency: z.number().int().meta({
      description:
        'Requests in flight at once, across every worker: its own limit, or DESTINATION_MAX_CONCURRENCY.',
    }),
    rate_limit_max: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Requests per rate_limit_per_seconds; null: no rate limit of its own.' }),
    rate_limit_per_seconds: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The window of rate_limit_max, in seconds.' }),
    in_flight: z.number().int().meta({ description: 'Requests to it in flight now.' }),
    held_until: instant(
      'Until when nothing is sent to it (a Retry-After, a retry_after, Discord’s global limit, or its bucket used up); null when not held.',
    ).nullable(),
    held_reason: z.string().nullable().meta({ description: 'Why it is held; null when not held.' }),
    waiting: z.number().int().meta({ description: 'Runs waiting for it (held, or at its limit).' }),
    recent_429s: z.number().int().meta({ description: 'Answers 429 it gave in the last hour.' }),
  })
  .meta({ example: exampleDestination });

export const destinationListResponse = z
  .object({ data: z.array(destinationResponse) })
  .meta({ example: { data: [exampleDestination] } });
