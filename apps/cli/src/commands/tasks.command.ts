import { Command, Option } from '@commander-js/extra-typings';
import { describeError, loadConfigOrExit, redactUrl, terminalSafeLines } from '@scheduler/config';
import { isPostgresUnavailable, isSchemaMissing } from '@scheduler/db';
import { createOneShotRedisConnection, isRedisUnavailable } from '@scheduler/queue';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  parseTaskInput,
  RunNotFoundError,
  sortOrders,
  TaskConflictError,
  taskListQuerySchema,
  TaskNotFoundError,
  taskSortFields,
  taskStatuses,
  TaskValidationError,
} from '@scheduler/core';
import { createdTask, publicTask } from '@scheduler/services';
import { createContext, type Context } from '../context';
import { formatRunLine, formatTask, formatTaskTable } from './task-format';
import { booleanValue, headerValue, jsonValue, numberOrText } from './options';

/** Runs one task or run command with a short-lived context; domain errors become one line on stderr. */
export async function withContext(action: (context: Context) => Promise<void>): Promise<void> {
  const config = loadConfigOrExit();
  const context = createContext(config, 'tasks', { poolSize: 2, connectRedis: createOneShotRedisConnection });
  try {
    await action(context);
  } catch (error) {
    if (error instanceof TaskValidationError) fail(error.message, 2);
    else if (
      error instanceof TaskNotFoundError ||
      error instanceof RunNotFoundError ||
      error instanceof TaskConflictError
    )
      fail(error.message, 1);
    else if (error instanceof RedisError && !error.unreachable)
      fail(
        `Redis at ${redactUrl(config.redisUrl)} refused (${error.message}): nothing was queued, and the task is as it was. Check REDIS_URL (host, port, password).`,
        1,
      );
    else if (error instanceof RedisError || isRedisUnavailable(error))
      fail(
        `Redis is out of reach at ${redactUrl(config.redisUrl)} (${describeError(error)}): nothing was queued, and the task is as it was. Start Redis, or check REDIS_URL.`,
        1,
      );
    else if (isSchemaMissing(error))
      fail(
        `The database at ${redactUrl(config.databaseUrl)} is not migrated (${describeError(error)}): run \`npm run db:migrate\` first.`,
        1,
      );
    else if (isPostgresUnavailable(error))
      fail(
        `PostgreSQL is out of reach at ${redactUrl(config.databaseUrl)} (${describeError(error)}): nothing was changed. Start PostgreSQL, or check DATABASE_URL.`,
        1,
      );
    else throw error;
  } finally {
    await context.close();
  }
}

/** Redis failed a command that needs it: out of reach, or answering but refusing (a password, not Redis). */
export class RedisError extends Error {
  readonly unreachable: boolean;

  constructor(cause: unknown) {
    super(describeError(cause), { cause });
    const code = (cause as { code?: unknown } | undefined)?.code;
    // A socket error (ECONNREFUSED, ETIMEDOUT, ENOTFOUND...) or ioredis giving up on the connection.
    this.unreachable = isRedisUnavailable(cause) || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
  }
}

/** An error, one line on stderr; it may quote what was given (an id, a zone), so it is made terminal-safe. */
function fail(message: string, code: number): void {
  process.stderr.write(`error: ${terminalSafeLines(message)}\n`);
  process.exitCode = code;
}

/**
 * `--json`: the value as exact JSON, for scripts. Otherwise the human form, whose
 * formatters escape each value they quote; the whole is guarded again, line breaks kept.
 */
export function print(value: unknown, json: boolean | undefined, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${terminalSafeLines(human())}\n`);
}

export const jsonOption = () => new Option('--json', 'print JSON for scripts');

/**
 * An option under its column's name (`--task-name` for `--name`), the name the API and the
 * database use: either may be given, not both. Hidden from the help, which shows the short form.
 */
function columnAlias<Flags extends string>(flags: Flags, of: string) {
  return new Option(flags).hideHelp().conflicts(of);
}

/** The options create needs, each of which may also be given under its column's name. */
const REQUIRED_FIELDS = [
  ['task_name', '--name <name>', '--task-name'],
  [
    'task_schedule',
    '--schedule <cron>',
    '--task-schedule, or --run-at <instant> for a one-time task, or --depends-on <ids> for a chained one',
  ],
  ['webhook_url', '--url <url>', '--webhook-url'],
  ['json_payload', '--payload <json>', '--json-payload'],
] as const;

const COLUMN_NAMES_HELP =
  '\nEach field may also be given under its column name: --task-name, --task-schedule, --webhook-url, --json-payload';

/** The task fields as options, shared by create and update. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
function fieldOptions<Args extends unknown[]>(command: Command<Args, {}, {}>) {
  return command
    .addOption(new Option('--name <name>', 'task name (1-200 characters)'))
    .addOption(columnAlias('--task-name <name>', 'name'))
    .addOption(
      new Option(
        '--schedule <cron>',
        'cron: 5 fields, 6 with seconds first, or @daily etc. ("none" on update, with --depends-on: run after them)',
      ),
    )
    .addOption(columnAlias('--task-schedule <cron>', 'schedule'))
    .addOption(new Option('--url <url>', 'webhook URL (http or https)'))
    .addOption(columnAlias('--webhook-url <url>', 'url'))
    .addOption(
      new Option('--payload <json>', 'JSON object or array to POST').argParser(jsonValue('--payload')),
    )
    .addOption(columnAlias('--json-payload <json>', 'payload').argParser(jsonValue('--json-payload')))
    .addOption(
      new Option('--max-retry <n>', 'retries after the first attempt (0-10)').argParser(numberOrText),
    )
    .addOption(
      new Option(
        '--priority <n>',
        'from 1 (lowest) to 10 (highest), default 5: who goes first when runs wait',
      ).argParser(numberOrText),
    )
    .addOption(new Option('--timezone <zone>', 'IANA timezone the schedule is read in'))
    .addOption(
      new Option(
        '--run-at <instant>',
        'a one-time task instead of a schedule: RFC 3339 with an offset, e.g. 2025-05-01T09:00:00Z ("none" as --schedule none)',
      ),
    )
    .addOption(
      new Option(
        '--depends-on <ids>',
        'ids of the tasks it runs after, comma-separated ("none": none); with no schedule or run-at, it is chained',
      ),
    )
    .addOption(
      new Option(
        '--starts-at <instant>',
        'no run comes due before this instant (RFC 3339; "none" clears it)',
      ),
    )
    .addOption(
      new Option('--ends-at <instant>', 'no run comes due after this instant (RFC 3339; "none" clears it)'),
    )
    .addOption(
      new Option(
        '--paused-until <instant>',
        'no run comes due before this instant; clears itself ("none" clears it)',
      ),
    )
    .addOption(
      new Option(
        '--http-method <method>',
        'POST (default), PUT, PATCH, DELETE or GET (no body with GET, DELETE)',
      ),
    )
    .addOption(
      new Option(
        '--deliver-within-ms <ms>',
        'a run not delivered this long after it came due ends expired (at least 1000; "none" clears it)',
      ).argParser(numberOrText),
    )
    .addOption(
      new Option(
        '--catch-up <policy>',
        'missed instants: latest (one run), none (skipped) or all (one run each)',
      ),
    )
    .addOption(
      new Option(
        '--jitter-ms <ms>',
        'each run comes due up to this much after its instant (0-3600000)',
      ).argParser(numberOrText),
    )
    .addOption(
      new Option(
        '--header <header>',
        'a request header "Name: value"; repeat it for more (replaces them all)',
      ).argParser(headerValue),
    )
    .addOption(columnAlias('--headers <json>', 'header').argParser(jsonValue('--headers')))
    .addOption(
      new Option('--timeout-ms <ms>', 'request time limit, 1000 to WEBHOOK_TIMEOUT_MAX_MS').argParser(
        numberOrText,
      ),
    )
    .addOption(
      new Option(
        '--alert-url <url>',
        'where this task\'s alerts go, besides ALERT_WEBHOOK_URL ("none" clears it)',
      ),
    );
}

/** `--depends-on a,b`: the ids; `none`: no dependency. */
function dependsOnIds(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value === 'none' ? [] : value.split(',').map((id) => id.trim());
}

/** `none` clears an optional field (null); anything else goes to the domain's validation as given. */
function clearable<T>(value: T | undefined): T | null | undefined {
  return value === 'none' ? null : value;
}

/** The task fields given, whichever name each was given under. */
function fieldValues(options: {
  name?: string;
  taskName?: string;
  schedule?: string;
  taskSchedule?: string;
  url?: string;
  webhookUrl?: string;
  payload?: unknown;
  jsonPayload?: unknown;
  maxRetry?: number | string;
  priority?: number | string;
  timezone?: string;
  runAt?: string;
  dependsOn?: string;
  startsAt?: string;
  endsAt?: string;
  pausedUntil?: string;
  deliverWithinMs?: number | string;
  catchUp?: string;
  jitterMs?: number | string;
  httpMethod?: string;
  header?: Record<string, string>;
  headers?: unknown;
  timeoutMs?: number | string;
  alertUrl?: string;
}) {
  return {
    task_name: options.name ?? options.taskName,
    task_schedule: clearable(options.schedule ?? options.taskSchedule),
    webhook_url: options.url ?? options.webhookUrl,
    json_payload: options.payload ?? options.jsonPayload,
    max_retry: options.maxRetry,
    priority: options.priority,
    timezone: options.timezone,
    run_at: clearable(options.runAt),
    depends_on: dependsOnIds(options.dependsOn),
    starts_at: clearable(options.startsAt),
    ends_at: clearable(options.endsAt),
    paused_until: clearable(options.pausedUntil),
    deliver_within_ms: clearable(options.deliverWithinMs),
    catch_up: options.catchUp,
    jitter_ms: options.jitterMs,
    http_method: options.httpMethod,
    headers: options.header ?? options.headers,
    timeout_ms: options.timeoutMs,
    alert_url: clearable(options.alertUrl),
  };
}

export function tasksCommand(): Command {
  const tasks = new Command('tasks').description('manage tasks');

  tasks
    .command('list')
    .description("list tasks, with each one's latest attempt")
    .addOption(new Option('--status <status>', 'only tasks in this status').choices(taskStatuses))
    .addOption(columnAlias('--task-status <status>', 'status').choices(taskStatuses))
    .addHelpText('after', '\n--status may also be given under its column name: --task-status.')
    .addOption(
      new Option('--enabled <bool>', 'only enabled (true) or paused (false) tasks').choices([
        'true',
        'false',
      ]),
    )
    .option('--search <text>', 'only tasks whose name contains this text (at most 200 characters)')
    .addOption(new Option('--sort <field>', 'sort field (default created_at)').choices(taskSortFields))
    .addOption(new Option('--order <order>', 'sort order (default desc)').choices(sortOrders))
    .option('--page <n>', 'page number (default 1)')
    .option('--limit <n>', `tasks per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`)
    .addOption(jsonOption())
    .action((options) =>
      withContext(async ({ taskService }) => {
        // The API's query schema, so both refuse the same values with the same words.
        const query = {
          task_status: options.status ?? options.taskStatus,
          enabled: options.enabled,
          search: options.search,
          sort: options.sort,
          order: options.order,
          page: options.page,
          limit: options.limit,
        };
        const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
        const page = await taskService.listWithLastAttempt(parseTaskInput(taskListQuerySchema, given));
        const shown = { data: page.data.map(publicTask), meta: page.meta };
        print(shown, options.json, () => formatTaskTable(page.data, page.meta));
      }),
    );

  tasks
    .command('get')
    .description('show a task and its latest attempts')
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        const task = await taskService.getDetail(id);
        print(publicTask(task), options.json, () => formatTask(task, task.logs, task));
      }),
    );

  const create = fieldOptions(tasks.command('create').description('create a task'))
    .option('--disabled', 'create it paused')
    .addOption(columnAlias('--enabled <bool>', 'disabled').argParser(booleanValue('--enabled')))
    .addOption(jsonOption())
    .addHelpText('after', `${COLUMN_NAMES_HELP}, and --enabled <bool> for --disabled.`);
  create.action((options) => {
    const fields = fieldValues(options);
    // Required, under either name; said as Commander says a missing mandatory option.
    for (const [field, flags, column] of REQUIRED_FIELDS) {
      // A one-time task has --run-at instead of a schedule, and a chained one --depends-on (SPEC §13);
      // giving both is refused by the task's own validation.
      if (field === 'task_schedule' && (fields.run_at !== undefined || fields.depends_on?.length)) continue;
      // GET and DELETE send no body: their payload is optional (SPEC §14).
      if (field === 'json_payload' && (fields.http_method === 'GET' || fields.http_method === 'DELETE'))
        continue;
      if (fields[field] === undefined) {
        create.error(`error: required option '${flags}' (or ${column}) not specified`, { exitCode: 2 });
      }
    }
    return withContext(async ({ taskService }) => {
      const enabled = options.disabled ? false : options.enabled;
      const task = await taskService.create(
        Object.fromEntries(Object.entries({ ...fields, enabled }).filter(([, v]) => v !== undefined)),
      );
      print(
        createdTask(task),
        options.json,
        () => `created task ${task.id}\n${formatTask(task)}\nsigning secret: ${task.signing_secret}`,
      );
    });
  });

  fieldOptions(tasks.command('update').description('change a task').argument('<id>', 'task id'))
    .option('--enabled <bool>', 'enable (true) or pause (false)', booleanValue('--enabled'))
    .addOption(new Option('--status <status>', 're-arm a failed task').choices(['ready'] as const))
    .addOption(columnAlias('--task-status <status>', 'status').choices(['ready'] as const))
    .addOption(jsonOption())
    .addHelpText('after', `${COLUMN_NAMES_HELP}, --task-status.`)
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        const patch = {
          ...fieldValues(options),
          enabled: options.enabled,
          task_status: options.status ?? options.taskStatus,
        };
        const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        const task = await taskService.update(id, defined);
        print(publicTask(task), options.json, () => `updated task ${task.id}\n${formatTask(task)}`);
      }),
    );

  tasks
    .command('secret')
    .description("show a task's signing secret (Standard Webhooks)")
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        const secret = await taskService.getSecret(id);
        print(secret, options.json, () => secret.signing_secret);
      }),
    );

  tasks
    .command('rotate-secret')
    .description('make a new signing secret; the previous one keeps signing for 24 h')
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        const secret = await taskService.rotateSecret(id);
        print(secret, options.json, () => secret.signing_secret);
      }),
    );

  tasks
    .command('delete')
    .description('delete a task and its logs')
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        await taskService.delete(id);
        print({ deleted: id }, options.json, () => `deleted task ${id}`);
      }),
    );

  tasks
    .command('toggle')
    .description('pause or resume a task')
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        const task = await taskService.toggle(id);
        print(
          publicTask(task),
          options.json,
          () => `task ${task.id} is now ${task.enabled ? 'enabled' : 'paused'}`,
        );
      }),
    );

  tasks
    .command('run')
    .description('run a ready or failed task now, outside its schedule')
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService, queue }) => {
        // Redis first: a run is claimed in PostgreSQL only once it can be queued.
        await queue.waitUntilReady().catch((error: unknown) => {
          throw new RedisError(error);
        });
        const run = await taskService.runNow(id);
        print(run, options.json, () => `queued run ${run.id} of task ${id}\n${formatRunLine(run)}`);
      }),
    );

  tasks
    .command('cancel')
    .description("cancel a task's queued or running run (exits 1 when it has none)")
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ runService }) => {
        const run = await runService.cancelForTask(id);
        print(run, options.json, () => `cancelled run ${run.id} of task ${id}\n${formatRunLine(run)}`);
      }),
    );

  tasks
    .command('skip-next')
    .description("skip a task's next run: its next_run_at moves to the instant after")
    .argument('<id>', 'task id')
    .addOption(jsonOption())
    .action((id, options) =>
      withContext(async ({ taskService }) => {
        const task = publicTask(await taskService.skipNext(id));
        print(
          task,
          options.json,
          () => `task ${task.id}: next run ${task.next_run_at ? task.next_run_at.toISOString() : 'none'}`,
        );
      }),
    );

  return tasks;
}
