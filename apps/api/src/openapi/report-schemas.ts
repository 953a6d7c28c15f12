import { z } from 'zod';
import { errorCodes } from '../http/api-error';

const count = (description?: string) =>
  z
    .number()
    .int()
    .meta(description ? { description } : {});

export const dashboardStatsResponse = z
  .object({
    tasks: z.object({
      total: count(),
      ready: count(),
      running: count(),
      failed: count(),
      enabled: count(),
      disabled: count(),
    }),
    executions_24h: z
      .object({ total: count(), finish: count(), failed: count(), running: count() })
      .meta({ description: 'Attempts started in the last 24 hours, by status.' }),
    success_rate_24h: z.number().nullable().meta({
      description:
        'Of the runs that ended in the last 24 hours with a verdict (finish, failed, expired), the share that ended finish (0 to 1): a 500 healed by its retry is one successful run. Cancelled and skipped runs are not counted; null when none ended.',
    }),
    avg_execution_time_ms_24h: z.number().nullable().meta({
      description: 'Mean execution_time of the attempts of the last 24 hours that ended; null when none did.',
    }),
    executions_per_hour: z
      .array(
        z.object({
          hour: z.string().meta({ description: 'Start of the hour (ISO 8601, UTC).', format: 'date-time' }),
          finish: count(),
          failed: count(),
        }),
      )
      .meta({ description: '24 hourly buckets, oldest first; the last one is the current hour.' }),
    queue: z
      .object({ waiting: count(), active: count(), delayed: count(), failed: count() })
      .meta({ description: 'Delivery jobs in the queue, by state (delayed: waiting for a retry).' }),
  })
  .meta({
    example: {
      tasks: { total: 12, ready: 9, running: 1, failed: 2, enabled: 10, disabled: 2 },
      executions_24h: { total: 240, finish: 228, failed: 11, running: 1 },
      success_rate_24h: 0.954,
      avg_execution_time_ms_24h: 187.4,
      executions_per_hour: [{ hour: '2025-05-01T08:00:00.000Z', finish: 10, failed: 0 }],
      queue: { waiting: 0, active: 1, delayed: 2, failed: 3 },
    },
  });

export const errorResponse = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string().meta({ description: 'What was wrong and what was expected.' }),
      details: z
        .record(z.string(), z.unknown())
        .meta({ description: 'Per field (or per dependency): what was wrong with it.' }),
      timestamp: z.string().meta({ description: 'When it happened (ISO 8601).', format: 'date-time' }),
    }),
  })
  .meta({
    example: {
      error: {
        code: 'INVALID_SCHEDULE',
        message: "task_schedule: Too large value '61' in minutes: expected values in the range 0-59.",
        details: { task_schedule: "Too large value '61' in minutes: expected values in the range 0-59." },
        timestamp: '2025-05-01T08:00:00.000Z',
      },
    },
  });

const dependencyState = z.enum(['ok', 'unavailable']);

const processBeat = z.object({
  id: z.string(),
  host: z.string().meta({ description: 'The host name the process runs on.' }),
  pid: count(),
  started_at: z.string().meta({ format: 'date-time' }),
  last_seen: z.string().meta({ format: 'date-time', description: 'Its last heartbeat, on Redis’s clock.' }),
});

const nullableCount = (description: string) => count(description).nullable();

/** With the key only (SPEC §15): figures null where the store that holds them is out of reach. */
const healthDetails = z
  .object({
    publishers: z.array(processBeat).meta({ description: 'The publishers alive, latest heartbeat first.' }),
    workers: z.array(processBeat).meta({ description: 'The workers alive, latest heartbeat first.' }),
    queue: z
      .object({
        waiting: count(),
        prioritized: count(),
        active: count(),
        delayed: count(),
        failed: count(),
      })
      .nullable(),
    runs: z.object({ queued: count(), running: count() }).nullable(),
    due_backlog: nullableCount('Tasks due that no publisher has claimed.'),
    oldest_due_seconds: z
      .number()
      .nullable()
      .meta({ description: 'Seconds since the oldest due instant still waiting; 0 when none.' }),
    late_tasks: nullableCount('Tasks due more than LATE_ALERT_AFTER_MS ago whose run has not started.'),
    problems: z
      .object({ postgres: z.string().optional(), redis: z.string().optional() })
      .meta({ description: 'What failed, by component, in words without addresses.' }),
  })
  .meta({ description: 'Only with X-API-KEY.' });

const alive = {
  publishers: count('Publishers alive: a heartbeat seen within 15 s (0 while Redis is out of reach).'),
  workers: count('Workers alive: a heartbeat seen within 15 s (0 while Redis is out of reach).'),
  details: healthDetails.optional(),
};

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    postgres: z.literal('ok'),
    redis: z.literal('ok'),
    ...alive,
  })
  .meta({ example: { status: 'ok', postgres: 'ok', redis: 'ok', publishers: 2, workers: 3 } });

export const healthUnavailableResponse = errorResponse
  .extend({ status: z.literal('unavailable'), postgres: dependencyState, redis: dependencyState, ...alive })
  .meta({
    example: {
      status: 'unavailable',
      postgres: 'ok',
      redis: 'unavailable',
      publishers: 0,
      workers: 0,
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Redis is not answering: try again shortly.',
        details: { redis: 'unavailable' },
        timestamp: '2025-05-01T08:00:00.000Z',
      },
    },
  });
