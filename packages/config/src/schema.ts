import { isIP } from 'node:net';
import { z } from 'zod';
import { allowedHostProblem } from './allowed-hosts';

/** The API key of .env.example: public, so the API refuses it when reachable from other machines. */
export const EXAMPLE_API_KEY = 'dev-api-key-change-me-0123456789';

/**
 * The environment, split by concern. Each key is the variable's exact name in
 * `.env`; `loadConfig` maps the parsed result to the camel-cased `Config`.
 */
const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(1, 'expected a port from 1 to 65535')
  .max(65535, 'expected a port from 1 to 65535');

const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what} as a whole number`)
    .positive(`expected ${what} above 0`);

const url = (protocols: string[], example: string) =>
  z
    .string({ error: `expected a URL such as ${example}` })
    .min(1, `expected a URL such as ${example}`)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a ${protocols.join(' or ')} URL such as ${example}` },
    );

/**
 * What docs/configuration.md says of a variable: its meaning and its value in
 * .env.example. `npm run docs:config` renders the page from these; its --check
 * (run by CI) fails when the page, this schema or .env.example disagree.
 */
const doc = (description: string, localDefault: string) => ({ description, localDefault });

export const storageSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/scheduler').meta(
    doc(
      'PostgreSQL connection URL: tasks and their attempts. `npm run db:migrate` creates the database it names when missing. Without `sslmode` in the URL, TLS is off (`sslmode=disable`).',
      'postgres://postgres@127.0.0.1:5432/scheduler?sslmode=disable',
    ),
  ),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').meta(
    doc(
      'Redis connection URL (`rediss://` for TLS, `redis://:password@host:6379` with a password): the delivery queue and the API rate-limit counters. The server must run with `maxmemory-policy noeviction` (docs/deployment.md).',
      'redis://127.0.0.1:6379',
    ),
  ),
  REDIS_PREFIX: z
    .string({ error: 'expected a key prefix such as scheduler' })
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, dots, dashes or underscores')
    .default('scheduler')
    .meta(
      doc(
        'Prefix of every Redis key of this deployment (queue, rate limits): 1-64 letters, digits, dots, dashes or underscores; `scheduler` when unset. Every API, publisher and worker of one deployment must use the same prefix; two deployments may share one Redis with different prefixes.',
        'scheduler',
      ),
    ),
});

export const apiSchema = z.object({
  API_HOST: z
    .string({ error: 'expected an IP address such as 127.0.0.1 or 0.0.0.0, or localhost' })
    .refine((value) => value === 'localhost' || isIP(value) !== 0, {
      message: 'expected an IP address such as 127.0.0.1 or 0.0.0.0, or localhost',
    })
    .default('127.0.0.1')
    .meta(
      doc(
        'Address the REST API listens on; `127.0.0.1` (this machine only) when unset. Docker Compose sets `0.0.0.0` (every interface). With an address other machines can reach, the API refuses to start with the example `API_KEY`.',
        '127.0.0.1',
      ),
    ),
  API_PORT: port.meta(
    doc(
      'TCP port of the REST API, on `API_HOST`. The dashboard of `npm start` passes /api and /health to it.',
      '3000',
    ),
  ),
  API_KEY: z
    .string({ error: 'expected an API key of at least 16 characters' })
    .min(16, 'expected an API key of at least 16 characters')
    .meta(
      doc(
        'The key every /api request sends in its `X-API-KEY` header (all routes but /api/docs, /api/docs-json and /health); at least 16 characters. Make one with `openssl rand -hex 32`. The example value is public: the API refuses it when `API_HOST` is not a loopback address.',
        EXAMPLE_API_KEY,
      ),
    ),
  API_RATE_LIMIT: positiveInt('a number of requests per minute').meta(
    doc(
      'Requests per minute allowed per API key, counted in Redis across every API process; past it the API answers 429 `RATE_LIMITED` with `Retry-After`.',
      '600',
    ),
  ),
  AUTH_FAILURES_PER_MINUTE: positiveInt('a number of refused requests per minute')
    .default(30)
    .meta(
      doc(
        'Requests refused for a missing or wrong `X-API-KEY` allowed per client address per minute, counted in Redis; past it the API answers 429 `RATE_LIMITED` with `Retry-After`, even to the right key; `30` when unset.',
        '30',
      ),
    ),
  CORS_ORIGIN: z
    .string({ error: 'expected one or more origins separated by commas' })
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .meta(
      doc(
        "Origins allowed to call the API from a browser, separated by commas: the dashboard's address when it is served from another origin than the API.",
        'http://localhost:5173',
      ),
    ),
  WEB_PORT: port.meta(
    doc(
      'Port of the dashboard: `npm start` serves it there; Docker Compose publishes the `web` service there.',
      '5173',
    ),
  ),
});

/** Comma-separated entries; an empty value (or none) allows nothing beyond public addresses. */
const allowedHosts = z
  .string({ error: 'expected host names, IP addresses or CIDRs separated by commas' })
  .default('')
  .transform((value, ctx) => {
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const problem = allowedHostProblem(entry);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          message: `${problem}: expected host names, IP addresses or CIDRs separated by commas`,
        });
    }
    return entries;
  });

export const deliverySchema = z.object({
  PUBLISHER_INTERVAL_MS: positiveInt('a tick length in milliseconds').meta(
    doc(
      'How often each publisher claims due tasks, in milliseconds, on the wall-clock grid (`scheduler publisher --interval` overrides it).',
      '1000',
    ),
  ),
  WORKER_CONCURRENCY: positiveInt('a number of deliveries in flight').meta(
    doc('Deliveries in flight per worker process (`scheduler worker --concurrency` overrides it).', '10'),
  ),
  WEBHOOK_TIMEOUT_MS: positiveInt('a timeout in milliseconds').meta(
    doc(
      'Time limit of one delivery, in milliseconds; a timeout is retried. It also bounds how long a stopping worker waits for deliveries in flight.',
      '10000',
    ),
  ),
  WEBHOOK_TIMEOUT_MAX_MS: positiveInt('a timeout in milliseconds')
    .default(60000)
    .meta(
      doc(
        'The largest `timeout_ms` a task may ask for, in milliseconds; `60000` when unset. A task without one gets `WEBHOOK_TIMEOUT_MS`.',
        '60000',
      ),
    ),
  WEBHOOK_ALLOWED_HOSTS: allowedHosts.meta(
    doc(
      'Exceptions to the safe-target rule, separated by commas: host names (`dummy-webhook`), IP addresses (`127.0.0.1`, `::1`) and CIDRs (`10.1.0.0/16`) that webhooks may reach although they are loopback, private, link-local, unique-local, CGNAT, multicast, unspecified or reserved. Checked at create for IP literals and by the HTTP client on the address it connects to. Empty: only public addresses. An entry that is none of these stops every process at start.',
      '127.0.0.1,localhost,::1',
    ),
  ),
  RETRY_BACKOFF_MS: positiveInt('a delay in milliseconds').meta(
    doc(
      'Base delay of the exponential retry backoff, in milliseconds: the first retry waits this long, each next one twice as long as the one before (a 429 or 503 waits at least its `Retry-After`).',
      '1000',
    ),
  ),
  DESTINATION_MAX_CONCURRENCY: positiveInt('a number of requests in flight')
    .max(10000, 'expected at most 10000 requests in flight')
    .default(10)
    .meta(
      doc(
        'Requests in flight at once to one destination (an origin, or one Discord webhook), across every worker, unless the destination has its own limit (`scheduler destinations set`); `10` when unset.',
        '10',
      ),
    ),
  MAX_CONCURRENT_DELIVERIES: z
    .union([z.literal('').transform(() => undefined), positiveInt('a number of requests in flight')])
    .optional()
    .meta(
      doc(
        'Requests in flight at once across every worker of the deployment (counted in Redis); empty or unset: no cap beyond `WORKER_CONCURRENCY` per worker.',
        '',
      ),
    ),
  HISTORY_RETENTION_DAYS: z.coerce
    .number({ error: 'expected a number of days (0 keeps everything)' })
    .int('expected a whole number of days (0 keeps everything)')
    .min(0, 'expected a number of days from 0 (0 keeps everything)')
    .max(36500, 'expected at most 36500 days (0 keeps everything)')
    .default(30)
    .meta(
      doc(
        "Runs that ended more than this many days ago are deleted with their attempts, in small batches, by the publishers (a pass each minute); a task's latest run is always kept. `0` keeps everything; `30` when unset.",
        '30',
      ),
    ),
  DEPENDENCY_WAIT_MS: positiveInt('a wait in milliseconds')
    .default(600000)
    .meta(
      doc(
        'How long a run of a task with dependencies waits for a dependency whose run is in flight before it is skipped (`DEPENDENCY_FAILED`), in milliseconds; `600000` when unset.',
        '600000',
      ),
    ),
});

const failOn = z
  .string({ error: 'expected request numbers separated by commas, e.g. 7,11' })
  .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, 'expected request numbers separated by commas, e.g. 7,11')
  .transform((value) =>
    value
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .map(Number),
  );

const latency = z
  .string({ error: 'expected a range in milliseconds such as 100-500, or 0' })
  .regex(/^\s*\d+\s*(-\s*\d+\s*)?$/, 'expected a range in milliseconds such as 100-500, or 0')
  .transform((value, ctx) => {
    const [min, max = min] = value.split('-').map((n) => Number(n.trim())) as [number, number?];
    if (max < min) {
      ctx.addIssue({ code: 'custom', message: `expected the range's low end first, got ${value}` });
      return z.NEVER;
    }
    return { min, max };
  });

export const dummyWebhookSchema = z.object({
  DUMMY_WEBHOOK_PORT: port.meta(
    doc(
      'Port of the dummy webhook, the test receiver (POST /webhook, GET /stats, GET /health); Docker Compose publishes the `dummy-webhook` service there.',
      '4000',
    ),
  ),
  DUMMY_WEBHOOK_FAIL_ON: failOn.meta(
    doc(
      'Which requests the dummy webhook answers with 500, by number (1-based, counted from its start), separated by commas; empty for none.',
      '7,11',
    ),
  ),
  DUMMY_WEBHOOK_LATENCY_MS: latency.meta(
    doc(
      "The dummy webhook's random delay before it answers: a range `min-max` or one value, in milliseconds; `0` switches it off.",
      '100-500',
    ),
  ),
});

/** An optional variable: empty in .env.example means unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const observabilitySchema = z.object({
  PUBLISHER_METRICS_PORT: optional(port).meta(
    doc(
      'When set, each publisher serves `GET /metrics` (Prometheus) and `GET /healthz` on this port, on `METRICS_HOST` (docs/operations.md). Empty: no metrics server.',
      '',
    ),
  ),
  WORKER_METRICS_PORT: optional(port).meta(
    doc(
      'When set, each worker serves `GET /metrics` (Prometheus) and `GET /healthz` on this port, on `METRICS_HOST`. Empty: no metrics server.',
      '',
    ),
  ),
  METRICS_HOST: z
    .string({ error: 'expected an IP address such as 127.0.0.1 or 0.0.0.0, or localhost' })
    .refine((value) => value === 'localhost' || isIP(value) !== 0, {
      message: 'expected an IP address such as 127.0.0.1 or 0.0.0.0, or localhost',
    })
    .default('127.0.0.1')
    .meta(
      doc(
        "Address the publisher's and the worker's metrics servers listen on; `127.0.0.1` when unset. Docker Compose sets `0.0.0.0` so Prometheus can reach them on the Compose network.",
        '127.0.0.1',
      ),
    ),
  METRICS_TOKEN: optional(
    z
      .string({ error: 'expected a token of at least 16 characters' })
      .min(16, 'expected a token of at least 16 characters'),
  ).meta(
    doc(
      "When set, the API's `GET /metrics` also accepts `Authorization: Bearer <METRICS_TOKEN>` (a scraper then needs no API key); at least 16 characters. Empty: only `X-API-KEY`.",
      '',
    ),
  ),
  LATE_ALERT_AFTER_MS: positiveInt('a delay in milliseconds')
    .default(60_000)
    .meta(
      doc(
        'A run whose due instant passed more than this long ago without its first attempt starting is late (no publisher, a stuck queue): the alarm rings once per incident and `scheduler_late_tasks` counts such tasks; `60000` when unset.',
        '60000',
      ),
    ),
});

const ALERT_SECRET_EXPECTED =
  'expected a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 random bytes (whsec_$(openssl rand -base64 32))';

/** SPEC §14 alerts: where they go, how they are signed and how many a minute. */
export const alertsSchema = z.object({
  ALERT_WEBHOOK_URL: optional(url(['http:', 'https:'], 'https://discord.com/api/webhooks/<id>/<token>')).meta(
    doc(
      'When set, every alert (`task.failed`, `task.disabled`, `task.recovered`, `task.late`, `task.late_recovered`, `digest`) of every task is also sent here, besides the task’s own `alert_url`: a Discord webhook gets a message (content and one embed), any other URL JSON `{ type, task, run_id, message, at }`. Reached through the safe-target rule like any webhook. Empty: only tasks’ own `alert_url`.',
      '',
    ),
  ),
  ALERT_SIGNING_SECRET: optional(
    z.string({ error: ALERT_SECRET_EXPECTED }).refine(
      (value) => {
        const key = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value)?.[1];
        const bytes = key === undefined ? 0 : Buffer.from(key, 'base64').length;
        return bytes >= 24 && bytes <= 64;
      },
      { message: ALERT_SECRET_EXPECTED },
    ),
  ).meta(
    doc(
      'When set, alerts sent to `ALERT_WEBHOOK_URL` are signed with it (Standard Webhooks headers, a `webhook-id` of their own); a task’s `alert_url` alerts are signed with the task’s own secret. Empty: `ALERT_WEBHOOK_URL` alerts go unsigned.',
      '',
    ),
  ),
  ALERT_MAX_PER_MINUTE: positiveInt('a number of alerts')
    .default(10)
    .meta(
      doc(
        'Alerts sent to one alert URL in a minute, across every process; past it the rest are summed in one `digest` sent when the minute ends; `10` when unset.',
        '10',
      ),
    ),
});

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const logFormats = ['json', 'pretty'] as const;

export const loggingSchema = z.object({
  LOG_LEVEL: z
    .enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` })
    .meta(doc(`The least severe level logged: ${logLevels.join(', ')}.`, 'info')),
  LOG_FORMAT: z
    .enum(logFormats, { error: `expected one of ${logFormats.join(', ')}` })
    .default('pretty')
    .meta(
      doc(
        '`json`: one JSON object per line, for log collectors (Docker Compose sets it); `pretty` (when unset): one readable, coloured line per event.',
        'pretty',
      ),
    ),
});

export const envSchema = storageSchema
  .extend(apiSchema.shape)
  .extend(deliverySchema.shape)
  .extend(dummyWebhookSchema.shape)
  .extend(observabilitySchema.shape)
  .extend(alertsSchema.shape)
  .extend(loggingSchema.shape);

export type Env = z.output<typeof envSchema>;
export type LogLevel = (typeof logLevels)[number];
export type LogFormat = (typeof logFormats)[number];
