import { attemptStatuses, taskStatuses } from '@scheduler/core';
import { z } from 'zod';
import {
  exampleAttempt,
  exampleAttemptListItem,
  exampleLastAttempt,
  exampleMeta,
  exampleTask,
} from './examples';

/**
 * The response bodies, written once: the OpenAPI document is generated from these, and
 * the controllers' return types are derived from them, so a route cannot send a shape
 * other than the documented one without failing to compile (see views.ts).
 */
const instant = (description: string) => z.date().meta({ description, format: 'date-time' });
const uuid = (description: string) => z.string().meta({ description, format: 'uuid' });

export const taskResponse = z
  .object({
    id: uuid('The task id.'),
    task_name: z.string().meta({ description: 'What the task is called, 1 to 200 characters.' }),
    task_schedule: z.string().meta({ description: 'Cron expression, read in `timezone`.' }),
    webhook_url: z.string().meta({ description: 'Where the payload is POSTed (http or https).' }),
    json_payload: z.unknown().meta({
      description: 'The JSON object or array POSTed to the webhook.',
      oneOf: [{ type: 'object' }, { type: 'array', items: {} }],
    }),
    max_retry: z.number().int().meta({ description: 'Retries after the first attempt, 0 to 10.' }),
    task_status: z.enum(taskStatuses).meta({
      description: 'ready: waiting for its next run; running: a run is in flight; failed: out of retries.',
    }),
    enabled: z.boolean().meta({ description: 'false while paused.' }),
    timezone: z.string().meta({ description: 'IANA timezone the schedule is read in.' }),
    next_run_at: instant('The next due instant; null when the schedule never fires again.').nullable(),
    last_run_at: instant('When a run was last enqueued.').nullable(),
    created_at: instant('When the task was created.'),
    updated_at: instant('When the task last changed.'),
  })
  .meta({ example: exampleTask });

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
  })
  .meta({ example: exampleAttempt });

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

export const taskListItemResponse = taskResponse
  .extend({
    last_attempt: lastAttemptResponse.nullable().meta({ description: 'Null before the first attempt.' }),
  })
  .meta({ example: { ...exampleTask, last_attempt: exampleLastAttempt } });

export const taskDetailResponse = taskResponse
  .extend({ logs: z.array(attemptResponse).meta({ description: 'The latest 20 attempts, newest first.' }) })
  .meta({ example: { ...exampleTask, logs: [exampleAttempt] } });

export const taskPageResponse = z
  .object({ data: z.array(taskListItemResponse), meta: pageMeta })
  .meta({ example: { data: [{ ...exampleTask, last_attempt: exampleLastAttempt }], meta: exampleMeta } });

export const attemptListItemResponse = attemptResponse
  .extend({ task_name: z.string().meta({ description: 'The name of the task it belongs to.' }) })
  .meta({ example: exampleAttemptListItem });

export const attemptPageResponse = z
  .object({ data: z.array(attemptListItemResponse), meta: pageMeta })
  .meta({ example: { data: [exampleAttemptListItem], meta: exampleMeta } });

export const runAcceptedResponse = z
  .object({
    task_id: uuid('The task that will run.'),
    job_id: z.string().meta({ description: 'The queued job (task id and due instant).' }),
    scheduled_for: instant('The due instant of this run: when it was asked for.'),
    task: taskResponse.meta({ description: 'The task, now running.' }),
  })
  .meta({
    example: {
      task_id: exampleTask.id,
      job_id: `${exampleTask.id}_1746086400000`,
      scheduled_for: '2025-05-01T08:00:00.000Z',
      task: { ...exampleTask, task_status: 'running' },
    },
  });
