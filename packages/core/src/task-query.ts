import { z } from 'zod';
import { runStatuses, runTriggers, type RunStatus } from './runs';
import { storableText } from './stored-text';

/**
 * Query parameters of the list routes (tasks, logs), shared by the API and the CLI.
 * Values arrive as strings from a URL; an empty value (`?search=`) means "not given",
 * as a form with an empty filter sends. Unknown parameters are refused, so a typo
 * (`?stauts=failed`) is an error instead of a silently unfiltered list.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE = 1_000_000;

export const taskStatuses = ['ready', 'running', 'failed'] as const;
export const attemptStatuses = ['running', 'finish', 'failed', 'cancelled'] as const;
export const taskSortFields = ['created_at', 'task_name', 'next_run_at', 'lateness_p99_ms'] as const;
export const sortOrders = ['asc', 'desc'] as const;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const digitsToNumber = (value: unknown) =>
  typeof value === 'string' && /^\s*\d{1,16}\s*$/.test(value) ? Number(value) : value;

const wholeNumber = (what: string, min: number, max: number) =>
  z.preprocess(
    (value) => digitsToNumber(blankToUndefined(value)),
    z
      .number({ error: (issue) => `expected ${what} from ${min} to ${max}, got ${describe(issue.input)}` })
      .int({ error: (issue) => `expected ${what} from ${min} to ${max}, got ${describe(issue.input)}` })
      .min(min, { error: (issue) => `expected ${what} from ${min} to ${max}, got ${describe(issue.input)}` })
      .max(max, { error: (issue) => `expected ${what} from ${min} to ${max}, got ${describe(issue.input)}` })
      .optional(),
  );

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    blankToUndefined,
    z
      .enum(values, {
        error: (issue) => `expected one of ${values.join(', ')}, got ${describe(issue.input)}`,
      })
      .optional(),
  );

const booleanParam = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : blankToUndefined(value)),
  z.boolean({ error: (issue) => `expected true or false, got ${describe(issue.input)}` }).optional(),
);

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** The shape of an ISO 8601 instant, on a day the calendar has (`Date.parse` rolls 2026-02-30 over to March 2). */
function isIsoInstant(value: string): boolean {
  const match = ISO_INSTANT.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO 8601 instant with its offset, or a date (UTC). A date stands for the whole
 * day: as a start it is that midnight, as an end the last instant before the next one,
 * so `from=2025-05-01&to=2025-05-01` is all of May 1st.
 */
const instantParam = (dateMeans: 'start' | 'end') =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: (issue) => `expected an ISO 8601 instant, got ${describe(issue.input)}` })
      .refine(isIsoInstant, {
        error: (issue) =>
          `expected an ISO 8601 instant such as 2025-05-01T09:00:00Z or a date such as 2025-05-01, got ${describe(issue.input)}`,
      })
      .transform((value) => {
        const instant = new Date(value);
        return dateMeans === 'end' && DATE_ONLY.test(value)
          ? new Date(instant.getTime() + 24 * 3600_000 - 1)
          : instant;
      })
      .optional(),
  );

const taskIdParam = z.preprocess(
  blankToUndefined,
  z.guid({ error: (issue) => `expected a task id (a UUID), got ${describe(issue.input)}` }).optional(),
);

const paging = {
  page: wholeNumber('a page number', 1, MAX_PAGE)
    .transform((value) => value ?? 1)
    .meta({ description: 'Page number, from 1 (default 1); a page past the end is empty.', example: 1 }),
  limit: wholeNumber('a page size', 1, MAX_PAGE_SIZE)
    .transform((value) => value ?? DEFAULT_PAGE_SIZE)
    .meta({
      description: `Items per page, from 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
      example: DEFAULT_PAGE_SIZE,
    }),
};

/**
 * A strict query object: every parameter it does not name is refused, listing the ones
 * it takes. Zod reports unknown keys without stopping the other checks, and reports
 * `__proto__` too (a refinement over the parsed object would never see it: the parse
 * drops it so that it cannot replace the result's prototype).
 */
function queryObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  const message =
    known.length > 0
      ? `unknown query parameter: expected only ${known.join(', ')}`
      : 'unknown query parameter: expected none';
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? message : undefined),
  });
}

function fromBeforeTo(query: { from?: unknown; to?: unknown }, ctx: z.RefinementCtx): void {
  // Runs even when another parameter is bad, so it looks only at instants that parsed.
  if (query.from instanceof Date && query.to instanceof Date && query.from > query.to) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `expected "to" (${query.to.toISOString()}) at or after "from" (${query.from.toISOString()})`,
    });
  }
}

/** GET /api/tasks */
export const taskListQuerySchema = queryObject({
  ...paging,
  task_status: oneOf(taskStatuses).meta({ description: 'Only tasks in this status.' }),
  enabled: booleanParam.meta({ description: 'Only enabled (true) or paused (false) tasks.' }),
  search: z
    .preprocess(
      blankToUndefined,
      z
        .string({ error: 'expected text to look for in task names' })
        .max(200, 'expected at most 200 characters to look for in task names')
        .superRefine(storableText)
        .optional(),
    )
    .meta({ description: 'Only tasks whose name contains this text (case-insensitive).', example: 'report' }),
  sort: oneOf(taskSortFields)
    .transform((value) => value ?? 'created_at')
    .meta({
      description:
        'Sort field (default created_at); ties are broken by id. lateness_p99_ms sorts by punctuality (tasks with no started scheduled run last).',
    }),
  order: oneOf(sortOrders)
    .transform((value) => value ?? 'desc')
    .meta({
      description:
        'Sort order (default desc); tasks without a next run (or, by lateness_p99_ms, without a lateness) sort last either way.',
    }),
});

const attemptFilters = {
  ...paging,
  status: oneOf(attemptStatuses).meta({ description: 'Only attempts in this status.' }),
  from: instantParam('start').meta({
    description:
      'Only attempts started at or after this instant (ISO 8601, or a date: from its midnight UTC).',
    anyOf: [{ format: 'date-time' }, { format: 'date' }],
    example: '2025-05-01T00:00:00Z',
  }),
  to: instantParam('end').meta({
    description:
      'Only attempts started at or before this instant (ISO 8601, or a date: through the end of that day, UTC).',
    anyOf: [{ format: 'date-time' }, { format: 'date' }],
    example: '2025-05-02T00:00:00Z',
  }),
};

/** GET /api/tasks/:id/logs */
export const taskLogsQuerySchema = queryObject(attemptFilters).superRefine(fromBeforeTo, {
  when: () => true,
});

/** GET /api/logs */
export const logListQuerySchema = queryObject({
  ...attemptFilters,
  task_id: taskIdParam.meta({ description: 'Only attempts of this task (its UUID).' }),
}).superRefine(fromBeforeTo, { when: () => true });

/** One status, or several separated by commas (`failed,expired`). */
const runStatusList = z.preprocess(
  blankToUndefined,
  z
    .string({
      error: (issue) => `expected one or more of ${runStatuses.join(', ')}, got ${describe(issue.input)}`,
    })
    .transform((value, ctx) => {
      const given = value.split(',').map((part) => part.trim());
      const unknown = given.filter((part) => !(runStatuses as readonly string[]).includes(part));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected one or more of ${runStatuses.join(', ')} separated by commas, got ${describe(unknown.join(','))}`,
        });
        return z.NEVER;
      }
      return [...new Set(given)] as RunStatus[];
    })
    .optional(),
);

const runFilters = {
  ...paging,
  status: runStatusList.meta({
    description: `Only runs in this status, or in any of several separated by commas (${runStatuses.join(', ')}).`,
    example: 'failed,expired',
  }),
  trigger: oneOf(runTriggers).meta({ description: 'Only runs with this trigger.' }),
  from: instantParam('start').meta({
    description: 'Only runs due at or after this instant (ISO 8601, or a date: from its midnight UTC).',
    format: 'date-time',
    example: '2025-05-01T00:00:00Z',
  }),
  to: instantParam('end').meta({
    description:
      'Only runs due at or before this instant (ISO 8601, or a date: through the end of that day, UTC).',
    format: 'date-time',
    example: '2025-05-02T00:00:00Z',
  }),
};

/** GET /api/tasks/:id/runs */
export const taskRunsQuerySchema = queryObject(runFilters).superRefine(fromBeforeTo, { when: () => true });

/** GET /api/runs */
export const runListQuerySchema = queryObject({
  ...runFilters,
  task_id: taskIdParam.meta({ description: 'Only runs of this task (its UUID).' }),
}).superRefine(fromBeforeTo, { when: () => true });
/** GET /api/dashboard/stats: no parameters, and a client that sends one learns it does nothing. */
export const noQuerySchema = queryObject({});

export type TaskListParams = z.output<typeof taskListQuerySchema>;
export type RunListParams = z.output<typeof runListQuerySchema>;
export type TaskRunsParams = z.output<typeof taskRunsQuerySchema>;
export type TaskLogsParams = z.output<typeof taskLogsQuerySchema>;
export type LogListParams = z.output<typeof logListQuerySchema>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
  if (Array.isArray(value)) return 'the parameter more than once';
  return JSON.stringify(value) ?? typeof value;
}
