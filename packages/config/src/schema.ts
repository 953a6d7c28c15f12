import { z } from 'zod';

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

export const storageSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/scheduler'),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string({ error: 'expected a key prefix such as scheduler' })
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, dots, dashes or underscores'),
});

export const apiSchema = z.object({
  API_PORT: port,
  API_KEY: z
    .string({ error: 'expected an API key of at least 16 characters' })
    .min(16, 'expected an API key of at least 16 characters'),
  API_RATE_LIMIT: positiveInt('a number of requests per minute'),
  CORS_ORIGIN: z.string({ error: 'expected one or more origins separated by commas' }).transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  ),
  WEB_PORT: port,
});

export const deliverySchema = z.object({
  PUBLISHER_INTERVAL_MS: positiveInt('a tick length in milliseconds'),
  WORKER_CONCURRENCY: positiveInt('a number of deliveries in flight'),
  WEBHOOK_TIMEOUT_MS: positiveInt('a timeout in milliseconds'),
  RETRY_BACKOFF_MS: positiveInt('a delay in milliseconds'),
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
  DUMMY_WEBHOOK_PORT: port,
  DUMMY_WEBHOOK_FAIL_ON: failOn,
  DUMMY_WEBHOOK_LATENCY_MS: latency,
});

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const logFormats = ['json', 'pretty'] as const;

export const loggingSchema = z.object({
  LOG_LEVEL: z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` }),
  LOG_FORMAT: z.enum(logFormats, { error: `expected one of ${logFormats.join(', ')}` }),
});

export const envSchema = storageSchema
  .extend(apiSchema.shape)
  .extend(deliverySchema.shape)
  .extend(dummyWebhookSchema.shape)
  .extend(loggingSchema.shape);

export type Env = z.output<typeof envSchema>;
export type LogLevel = (typeof logLevels)[number];
export type LogFormat = (typeof logFormats)[number];
