import { z } from 'zod';
import { catchUpPolicies, InvalidScheduleError, MAX_JITTER_MS, nextRunAt, storedTimezone } from './schedule';
import { TaskValidationError } from './errors';
import { payloadContentProblem, storableText } from './stored-text';
import { templateProblems } from './delivery/payload-template';
import {
  BODYLESS_METHODS,
  httpMethod,
  isEmptyPayload,
  taskHeaders,
  timeoutMs,
} from './delivery/request-options';

/**
 * Marks on an issue that decide how a refusal is classed: its code (INVALID_SCHEDULE,
 * PAYLOAD_TOO_LARGE), or that it goes unsaid (nothing to change, when only unknown fields came).
 */
type IssueFlag = 'invalidSchedule' | 'payloadTooLarge' | 'nothingToChange';
const flag = (name: IssueFlag): Record<string, unknown> => ({ [name]: true });
const hasFlag = (params: Record<string, unknown> | undefined, name: IssueFlag) => params?.[name] === true;

/** The largest `json_payload`, serialized: 64 KiB. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_RETRY_LIMIT = 10;
export const MAX_TASK_NAME_LENGTH = 200;
/** Far beyond any real cron expression; only keeps a pasted blob out of the table. */
export const MAX_SCHEDULE_LENGTH = 256;

const SCHEDULE_PROBE_FROM = new Date(Date.UTC(2000, 0, 1));

/** The parser the publisher runs decides what a valid schedule is (no regex). */
const taskSchedule = z
  .string({ error: 'expected a cron expression such as "*/5 * * * *"' })
  .max(MAX_SCHEDULE_LENGTH, {
    error: `expected a cron expression of at most ${MAX_SCHEDULE_LENGTH} characters`,
    abort: true,
  })
  .superRefine((value, ctx) => {
    try {
      if (nextRunAt(value, 'UTC', SCHEDULE_PROBE_FROM) === null) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" never comes due: expected a schedule that fires.`,
          params: flag('invalidSchedule'),
        });
      }
    } catch (error) {
      if (!(error instanceof InvalidScheduleError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message, params: flag('invalidSchedule') });
    }
  });

const taskName = z
  .string({ error: 'expected a name of 1 to 200 characters' })
  .trim()
  .min(1, 'expected a name of 1 to 200 characters, got an empty one')
  .max(MAX_TASK_NAME_LENGTH, `expected a name of at most ${MAX_TASK_NAME_LENGTH} characters`)
  .superRefine(storableText);

const webhookUrl = z
  .string({ error: 'expected an http(s) URL such as https://discord.com/api/webhooks/…' })
  .max(2048, 'expected a URL of at most 2048 characters')
  .superRefine(storableText)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a URL: expected an http(s) URL` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message: `${url.protocol} URLs are not supported: expected http or https`,
      });
    }
    // Not sent as credentials (fetch drops them), and shown unmasked wherever the URL is.
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected a URL without a user name or password: send credentials in a header (headers: {"Authorization": …}), which is kept masked',
      });
    }
  });

/** SPEC §14: where the task's own alerts go, checked as a webhook URL is; null: none. */
const alertUrl = webhookUrl.nullable().optional();

const jsonPayload = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object or array' });
    } else if (value === null || typeof value !== 'object') {
      const got = value === null ? 'null' : typeof value;
      ctx.addIssue({ code: 'custom', message: `expected a JSON object or array, got ${got}` });
    } else {
      // First what cannot be stored or is too deep to measure, then the size.
      const problem = payloadContentProblem(value);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return;
      }
      const size = new TextEncoder().encode(JSON.stringify(value)).length;
      if (size > MAX_PAYLOAD_BYTES) {
        ctx.addIssue({
          code: 'custom',
          message: `payload is ${size} bytes serialized: expected at most ${MAX_PAYLOAD_BYTES} (64 KiB)`,
          params: flag('payloadTooLarge'),
        });
        return;
      }
      // SPEC §14: a placeholder that could not be rendered when sent is refused now.
      const placeholders = templateProblems(value);
      if (placeholders.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: placeholders.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
        });
      }
    }
  })
  .transform((value) => value as Record<string, unknown> | unknown[]);

const maxRetry = z
  .number({ error: `expected a whole number from 0 to ${MAX_RETRY_LIMIT}` })
  .int(`expected a whole number from 0 to ${MAX_RETRY_LIMIT}`)
  .min(0, `expected a whole number from 0 to ${MAX_RETRY_LIMIT}`)
  .max(MAX_RETRY_LIMIT, `expected a whole number from 0 to ${MAX_RETRY_LIMIT}`);

/** SPEC §12: where runs wait, a higher priority goes first; equal priority in due order. */
export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 10;
export const DEFAULT_PRIORITY = 5;
const priority = z
  .number({ error: `expected a whole number from ${MIN_PRIORITY} (lowest) to ${MAX_PRIORITY} (highest)` })
  .int(`expected a whole number from ${MIN_PRIORITY} (lowest) to ${MAX_PRIORITY} (highest)`)
  .min(MIN_PRIORITY, `expected a whole number from ${MIN_PRIORITY} (lowest) to ${MAX_PRIORITY} (highest)`)
  .max(MAX_PRIORITY, `expected a whole number from ${MIN_PRIORITY} (lowest) to ${MAX_PRIORITY} (highest)`);

/** Stored as storedTimezone says (`europe/paris` becomes `Europe/Paris`; `Asia/Kolkata` stays). */
const timezone = z
  .string({ error: 'expected an IANA timezone such as Europe/Paris or UTC' })
  .transform((value, ctx) => {
    const stored = storedTimezone(value);
    if (stored !== undefined) return stored;
    const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
    ctx.addIssue({
      code: 'custom',
      message: `unknown timezone "${shown}": expected an IANA name such as Europe/Paris or UTC`,
    });
    return z.NEVER;
  });

const enabled = z.boolean({ error: 'expected true or false' });

/** How far in the past a `run_at` may be: within this it fires at once (SPEC §11). */
export const RUN_AT_GRACE_MS = 60_000;

const RFC_3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ]([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const RUN_AT_EXPECTED =
  'expected an RFC 3339 instant with its offset, such as 2025-05-01T09:00:00Z or 2025-05-01T11:00:00+02:00';

/** An instant: RFC 3339 with an offset (a local time alone is ambiguous). */
const instant = () =>
  z.string({ error: RUN_AT_EXPECTED }).transform((value, ctx) => {
    const match = RFC_3339.exec(value);
    const instant = match ? new Date(value.replace(' ', 'T')) : undefined;
    const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (
      !instant ||
      Number.isNaN(instant.getTime()) ||
      calendar.getUTCMonth() !== month - 1 ||
      calendar.getUTCDate() !== day
    ) {
      const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
      ctx.addIssue({ code: 'custom', message: `${RUN_AT_EXPECTED}, got "${shown}"` });
      return z.NEVER;
    }
    return instant;
  });

/** A one-time task's instant. */
const runAt = instant();

/** The fewest milliseconds a delivery deadline may be (SPEC §13). */
export const MIN_DELIVER_WITHIN_MS = 1000;
/** The column is a 32-bit integer: about 24.8 days. */
export const MAX_DELIVER_WITHIN_MS = 2_147_483_647;
const DELIVER_WITHIN_EXPECTED = `expected a whole number of milliseconds from ${MIN_DELIVER_WITHIN_MS} to ${MAX_DELIVER_WITHIN_MS}, or null for no deadline ("none" in the CLI)`;
const deliverWithinMs = z
  .number({ error: DELIVER_WITHIN_EXPECTED })
  .int(DELIVER_WITHIN_EXPECTED)
  .min(MIN_DELIVER_WITHIN_MS, DELIVER_WITHIN_EXPECTED)
  .max(MAX_DELIVER_WITHIN_MS, DELIVER_WITHIN_EXPECTED)
  .nullable();

const JITTER_EXPECTED = `expected a whole number of milliseconds from 0 to ${MAX_JITTER_MS}`;
const jitterMs = z
  .number({ error: JITTER_EXPECTED })
  .int(JITTER_EXPECTED)
  .min(0, JITTER_EXPECTED)
  .max(MAX_JITTER_MS, JITTER_EXPECTED);

const catchUp = z.enum(catchUpPolicies, {
  error: `expected one of ${catchUpPolicies.map((p) => `"${p}"`).join(', ')}`,
});

/** The most tasks one task may depend on (SPEC §13). */
export const MAX_DEPENDENCIES = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEPENDS_ON_EXPECTED = `expected an array of at most ${MAX_DEPENDENCIES} task ids`;

/** Ids of existing tasks, checked against the database by the service (unknown ones, itself, cycles). */
const dependsOn = z
  .array(z.string({ error: 'expected a task id (a UUID)' }).regex(UUID, 'expected a task id (a UUID)'), {
    error: DEPENDS_ON_EXPECTED,
  })
  .max(MAX_DEPENDENCIES, `${DEPENDS_ON_EXPECTED}: got more`)
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const id of ids.map((i) => i.toLowerCase())) (seen.has(id) ? twice : seen).add(id);
    if (twice.size > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected each task once: ${[...twice].join(', ')} given twice`,
      });
    }
  })
  .transform((ids) => ids.map((id) => id.toLowerCase()));

/** SPEC §13's fields, the same on create and PATCH; null clears an instant or the deadline. */
const executionControl = {
  depends_on: dependsOn.optional(),
  starts_at: instant().nullable().optional(),
  ends_at: instant().nullable().optional(),
  paused_until: instant().nullable().optional(),
  deliver_within_ms: deliverWithinMs.optional(),
  catch_up: catchUp.optional(),
  jitter_ms: jitterMs.optional(),
};

const RANGE_ORDER = 'expected ends_at after starts_at';

/** The active range in order, when both ends are given (PATCH checks them against the task too). */
export function activeRangeProblem(
  startsAt: Date | null | undefined,
  endsAt: Date | null | undefined,
): string | undefined {
  if (!startsAt || !endsAt || startsAt < endsAt) return undefined;
  return `${RANGE_ORDER}: starts_at ${startsAt.toISOString()} is not before ends_at ${endsAt.toISOString()}`;
}

function activeRange(task: { starts_at?: Date | null; ends_at?: Date | null }, ctx: z.RefinementCtx): void {
  const problem = activeRangeProblem(task.starts_at, task.ends_at);
  if (problem) {
    for (const field of ['starts_at', 'ends_at'])
      ctx.addIssue({ code: 'custom', path: [field], message: problem });
  }
}

const EITHER_TIMING = 'expected either task_schedule (a cron expression) or run_at (one instant), not both';
const NEITHER_TIMING =
  'expected task_schedule (a cron expression) or run_at (one instant): neither was given (or depends_on, for a task that runs after others)';

function isChained(task: { depends_on?: unknown }): boolean {
  return Array.isArray(task.depends_on) && task.depends_on.length > 0;
}

/** SPEC §11: a task has either a schedule or one instant, never both, never neither. */
function oneTiming(
  task: { task_schedule?: unknown; run_at?: unknown },
  ctx: z.RefinementCtx,
  required: boolean,
): void {
  const hasSchedule = task.task_schedule !== undefined && task.task_schedule !== null;
  const hasRunAt = task.run_at !== undefined && task.run_at !== null;
  if (hasSchedule && hasRunAt) {
    for (const field of ['task_schedule', 'run_at'])
      ctx.addIssue({ code: 'custom', path: [field], message: EITHER_TIMING });
  } else if (required && !hasSchedule && !hasRunAt) {
    for (const field of ['task_schedule', 'run_at'])
      ctx.addIssue({ code: 'custom', path: [field], message: NEITHER_TIMING });
  }
}

/**
 * SPEC §14: GET and DELETE send no body, so their payload is optional (stored as {})
 * and a non-empty one is refused; every other method needs one.
 */
function payloadForMethod(
  task: { http_method?: unknown; json_payload?: unknown },
  ctx: z.RefinementCtx,
  required: boolean,
): void {
  const method = typeof task.http_method === 'string' ? task.http_method : 'POST';
  const bodyless = (BODYLESS_METHODS as readonly string[]).includes(method);
  if (bodyless && task.json_payload !== undefined && !isEmptyPayload(task.json_payload)) {
    ctx.addIssue({
      code: 'custom',
      path: ['json_payload'],
      message: `${method} sends no body: expected no json_payload, or {}`,
    });
  } else if (!bodyless && required && task.json_payload === undefined) {
    ctx.addIssue({ code: 'custom', path: ['json_payload'], message: 'expected a JSON object or array' });
  }
}

export const createTaskSchema = z
  .strictObject(
    {
      task_name: taskName,
      // null: none (a chained task has neither).
      task_schedule: taskSchedule.nullable().optional(),
      run_at: runAt.nullable().optional(),
      webhook_url: webhookUrl,
      json_payload: jsonPayload.optional(),
      max_retry: maxRetry.default(3),
      priority: priority.default(DEFAULT_PRIORITY),
      timezone: timezone.default('UTC'),
      enabled: enabled.default(true),
      ...executionControl,
      http_method: httpMethod.default('POST'),
      headers: taskHeaders.default({}),
      timeout_ms: timeoutMs.nullable().optional(),
      alert_url: alertUrl,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? undefined : 'expected a JSON object with the task fields',
    },
  )
  .superRefine((task, ctx) => oneTiming(task, ctx, !isChained(task)), { when: isObject })
  .superRefine(activeRange)
  .superRefine((task, ctx) => payloadForMethod(task, ctx, true), { when: isObject });

export const updateTaskSchema = z
  .strictObject(
    {
      task_name: taskName.optional(),
      // null (with no new timing): the task becomes chained, run after its dependencies.
      task_schedule: taskSchedule.nullable().optional(),
      run_at: runAt.nullable().optional(),
      webhook_url: webhookUrl.optional(),
      json_payload: jsonPayload.optional(),
      max_retry: maxRetry.optional(),
      priority: priority.optional(),
      timezone: timezone.optional(),
      enabled: enabled.optional(),
      ...executionControl,
      http_method: httpMethod.optional(),
      headers: taskHeaders.optional(),
      timeout_ms: timeoutMs.nullable().optional(),
      alert_url: alertUrl,
      task_status: z
        .literal('ready', {
          error:
            'only "ready" can be set by hand (to re-arm a failed task); running and failed are set by deliveries',
        })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? undefined : 'expected a JSON object with the fields to change',
    },
  )
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'expected at least one field to change',
    params: flag('nothingToChange'),
  })
  .superRefine((patch, ctx) => oneTiming(patch, ctx, false), { when: isObject })
  .superRefine(activeRange)
  .superRefine((patch, ctx) => payloadForMethod(patch, ctx, false), { when: isObject });

/** POST /api/runs/:id/retry: an optional payload sent instead of the task's, for that run only. */
export const retryRunSchema = z
  .strictObject(
    { json_payload: jsonPayload.optional() },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? undefined
          : 'expected no body, or a JSON object with json_payload',
    },
  )
  .optional();

export type RetryRunInput = z.output<typeof retryRunSchema>;

/**
 * POST /api/webhooks/test (SPEC §14): one request now, as a task with these options would
 * send it; `task_id` signs it with that task's secret (and renders its name in templates).
 */
export const webhookTestSchema = z
  .strictObject(
    {
      webhook_url: webhookUrl,
      json_payload: jsonPayload.optional(),
      http_method: httpMethod.default('POST'),
      headers: taskHeaders.default({}),
      timeout_ms: timeoutMs.nullable().optional(),
      task_id: z
        .string({ error: 'expected a task id (a UUID)' })
        .regex(UUID, 'expected a task id (a UUID)')
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? undefined
          : 'expected a JSON object with webhook_url and json_payload',
    },
  )
  .superRefine((test, ctx) => payloadForMethod(test, ctx, true), { when: isObject });

export type WebhookTestInput = z.output<typeof webhookTestSchema>;
export type CreateTaskInput = z.output<typeof createTaskSchema>;
export type UpdateTaskInput = z.output<typeof updateTaskSchema>;

/** Cross-field checks run beside field errors, so every problem is named at once; not on a body that is no object. */
function isObject(payload: { value: unknown }): boolean {
  return typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value);
}

/** Validates with `schema` or throws a TaskValidationError naming every bad field. */
export function parseTaskInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // A Map, not an object: a field may be named `toString` or `__proto__` (first message wins).
  const details = new Map<string, string>();
  const flags = new Set<IssueFlag>();
  const unknownSent = result.error.issues.some((issue) => issue.code === 'unrecognized_keys');
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.set(key, unknownKeyMessage(schema, issue.message));
      continue;
    }
    const params = (issue.code === 'custom' ? issue.params : undefined) as
      Record<string, unknown> | undefined;
    // Only unknown fields sent: saying that nothing would change as well adds nothing.
    if (unknownSent && hasFlag(params, 'nothingToChange')) continue;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    if (!details.has(field)) details.set(field, issue.message);
    for (const name of ['invalidSchedule', 'payloadTooLarge'] as const) {
      if (hasFlag(params, name)) flags.add(name);
    }
  }
  const summary = [...details].map(([field, message]) => `${field}: ${message}`).join('; ');
  // A payload too large is what a client must fix first, whatever else is wrong (SPEC §6: 413).
  const code = flags.has('payloadTooLarge')
    ? 'PAYLOAD_TOO_LARGE'
    : flags.has('invalidSchedule')
      ? 'INVALID_SCHEDULE'
      : 'VALIDATION_ERROR';
  throw new TaskValidationError(summary, code, Object.fromEntries(details));
}

/**
 * What to say of an unknown key: the schema's own message when it set one (query
 * objects: "unknown query parameter: …", always lower case), else the fields it takes
 * (Zod's default, "Unrecognized key…", does not name them).
 */
function unknownKeyMessage(schema: z.ZodType, message: string): string {
  if (message.startsWith('unknown ')) return message;
  const known = knownFields(schema);
  return known
    ? `unknown field: expected only ${known.join(', ')}`
    : 'unknown field: expected only the task fields';
}

/** The fields an object schema takes, to name them when an unknown one is sent. */
function knownFields(schema: z.ZodType): string[] | undefined {
  if (schema instanceof z.ZodOptional) return knownFields(schema.unwrap() as z.ZodType);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : undefined;
}
