import { randomUUID } from 'node:crypto';
import {
  type AllowList,
  type AttemptOutcome,
  BODYLESS_METHODS,
  destinationOf,
  type DestinationKey,
  type HttpMethod,
  type RateLimitSignals,
  EMPTY_ALLOW_LIST,
  parseTaskInput,
  renderPayload,
  signingSecrets,
  TaskValidationError,
  templateValues,
  unmaskedHeaders,
  urlTargetProblem,
  webhookTestSchema,
} from '@scheduler/core';
import type { TaskRepository, TaskRow } from '@scheduler/db';
import { assertDiscordPayload } from './delivery-checks';
import { isUuid } from './uuid';

/** What sends one request: the engine's WebhookClient, the one every delivery goes through. */
export interface WebhookSender {
  post(
    url: string,
    payload: unknown,
    options: {
      runId: string;
      signingSecrets: readonly string[];
      method: HttpMethod;
      headers: Readonly<Record<string, string>>;
      timeoutMs?: number;
    },
  ): Promise<{ outcome: AttemptOutcome; message: string; body?: string; signals?: RateLimitSignals }>;
}

/**
 * Flow control (SPEC §12, the engine's FlowControl): a test is one more request to its
 * destination, so it takes a slot there and teaches what its answer says (a 429 holds it).
 */
export interface SendGate<Lease> {
  admit(
    destination: DestinationKey,
    jobId: string,
  ): Promise<
    | { kind: 'admitted'; lease: Lease }
    | { kind: 'wait'; waitMs: number; reason: string; heldUntil: Date | undefined }
  >;
  settle(lease: Lease, httpStatus: number | null, signals?: RateLimitSignals): Promise<unknown>;
}

export interface WebhookTestServiceDeps {
  tasks: TaskRepository;
  webhooks: WebhookSender;
  /** WEBHOOK_ALLOWED_HOSTS, read: as for tasks, IP literals of other classes are refused. */
  allowList?: AllowList;
  /** Flow control; none: a test goes out at once, whatever its destination's limits. */
  flow?: SendGate<unknown>;
  /** How long a test waits for its destination to admit it before it answers that it was not sent. */
  admissionWaitMs?: number;
  /** WEBHOOK_TIMEOUT_MAX_MS; 60000 by default. */
  timeoutMaxMs?: number;
  now?: () => Date;
}

/** SPEC §14's answer to a test: what came back, or why nothing did. */
export interface WebhookTestResult {
  /** The answer's status; null when none came (timeout, network error). */
  http_status: number | null;
  /** Milliseconds from sending to the end of the answer (or the failure). */
  execution_time: number;
  /** The answer's body, its first 4 KiB; null when none came. */
  response: string | null;
  /** Why the request did not succeed (a status other than 2xx, a timeout…); null when it did. */
  error: string | null;
}

const DEFAULT_TIMEOUT_MAX_MS = 60_000;
/** A test waits this long at most for a busy destination (a hold is usually longer: answered at once). */
const DEFAULT_ADMISSION_WAIT_MS = 5_000;

/**
 * "Send test" (SPEC §14): one request now through the same checks and the same client as
 * a delivery — safe targets (IP literals here, every address when connecting), Discord's
 * limits, templates — rendered and signed as a run of the task would be. No run, no attempt:
 * nothing is recorded.
 */
export class WebhookTestService {
  private readonly now: () => Date;

  constructor(private readonly deps: WebhookTestServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async send(input: unknown): Promise<WebhookTestResult> {
    const test = parseTaskInput(webhookTestSchema, input);
    const refused = urlTargetProblem(this.deps.allowList ?? EMPTY_ALLOW_LIST, test.webhook_url);
    if (refused) throw invalid('webhook_url', refused);
    const max = this.deps.timeoutMaxMs ?? DEFAULT_TIMEOUT_MAX_MS;
    if (test.timeout_ms != null && test.timeout_ms > max) {
      throw invalid(
        'timeout_ms',
        `expected at most ${max} ms (WEBHOOK_TIMEOUT_MAX_MS), got ${test.timeout_ms}`,
      );
    }
    const bodyless = BODYLESS_METHODS.includes(test.http_method);
    const payload = bodyless ? {} : (test.json_payload ?? {});
    if (!bodyless) assertDiscordPayload(test.webhook_url, payload);
    const task = test.task_id ? await this.task(test.task_id) : undefined;

    const now = this.now();
    // Its own webhook-id: a test is no run, and a receiver must not take it for a redelivery of one.
    const messageId = randomUUID();
    const rendered = renderPayload(
      payload,
      templateValues({
        scheduledFor: now,
        timezone: task?.timezone ?? 'UTC',
        taskId: task?.id ?? '',
        taskName: task?.task_name ?? '',
        runId: messageId,
        attempt: 1,
        trigger: 'manual',
      }),
    );
    const started = performance.now();
    const destination = destinationOf(test.webhook_url);
    const admitted = destination ? await this.admit(destination, messageId) : { kind: 'go' as const };
    if (admitted.kind === 'wait') {
      return {
        http_status: null,
        execution_time: Math.round(performance.now() - started),
        response: null,
        error: admitted.message,
      };
    }
    const delivery = await this.deps.webhooks.post(test.webhook_url, rendered, {
      runId: messageId,
      signingSecrets: task ? signingSecrets(task, now) : [],
      method: test.http_method,
      // A masked value sent back from the edit form stands for the stored one.
      headers: task ? unmaskedHeaders(test.headers, task.headers as Record<string, string>) : test.headers,
      ...(test.timeout_ms != null ? { timeoutMs: test.timeout_ms } : {}),
    });
    const executionTime = Math.round(performance.now() - started);
    const { outcome } = delivery;
    if (admitted.kind === 'admitted' && this.deps.flow) {
      const httpStatus =
        outcome.kind === 'delivered' || outcome.kind === 'http-error' ? outcome.httpStatus : null;
      await this.deps.flow.settle(admitted.lease, httpStatus, delivery.signals ?? {});
    }
    switch (outcome.kind) {
      case 'refused':
        // Refused when connecting (a host resolving to a refused address): no request was sent.
        throw invalid('webhook_url', delivery.message);
      case 'delivered':
        return {
          http_status: outcome.httpStatus,
          execution_time: executionTime,
          response: delivery.body ?? '',
          error: null,
        };
      case 'http-error':
        return {
          http_status: outcome.httpStatus,
          execution_time: executionTime,
          response: delivery.body ?? '',
          error: `HTTP ${outcome.httpStatus}: the webhook did not accept it`,
        };
      default:
        return { http_status: null, execution_time: executionTime, response: null, error: delivery.message };
    }
  }

  /**
   * A slot at the destination, waiting a few seconds at most for one (a limit reached); a
   * destination held longer (a 429's Retry-After) is not waited for: nothing is sent.
   */
  private async admit(
    destination: DestinationKey,
    messageId: string,
  ): Promise<{ kind: 'go' } | { kind: 'admitted'; lease: unknown } | { kind: 'wait'; message: string }> {
    const flow = this.deps.flow;
    if (!flow) return { kind: 'go' };
    const deadline = Date.now() + (this.deps.admissionWaitMs ?? DEFAULT_ADMISSION_WAIT_MS);
    for (;;) {
      const admission = await flow.admit(destination, `test:${messageId}`);
      if (admission.kind === 'admitted') return admission;
      const left = deadline - Date.now();
      if (admission.waitMs > left) {
        const until = admission.heldUntil ? ` until ${admission.heldUntil.toISOString()}` : '';
        return {
          kind: 'wait',
          message: `not sent: ${destination} is waited for${until} (${admission.reason}); try again then`,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(admission.waitMs, 10)));
    }
  }

  private async task(id: string): Promise<TaskRow> {
    const task = isUuid(id) ? await this.deps.tasks.findById(id) : undefined;
    if (!task)
      throw invalid('task_id', `no task has the id ${id}: expected the id of an existing task (or none)`);
    return task;
  }
}

function invalid(field: string, message: string): TaskValidationError {
  return new TaskValidationError(`${field}: ${message}`, 'VALIDATION_ERROR', { [field]: message });
}
