import { randomUUID } from 'node:crypto';
import {
  type Alert,
  alertBody,
  destinationOf,
  signingSecrets,
  type TaskAlert,
  type TaskAlertType,
} from '@scheduler/core';
import { describeError, type Logger } from '@scheduler/config';
import type { AlertTarget } from '@scheduler/db';
import type { Redis } from '@scheduler/queue';
import type { FlowControl, Lease } from './flow-control/flow-control';
import type { Delivery, WebhookClient } from './webhook-client';

/** ALERT_MAX_PER_MINUTE counts over this window. */
const ALERT_WINDOW_MS = 60_000;
/** The longest an alert waits for its destination's limits (flow control) before it is dropped. */
const ADMIT_MAX_WAIT_MS = 30_000;
/** Alerts waiting for a digest are dropped after this long if no process is left to send them. */
const DIGEST_KEEP_MS = 60 * 60 * 1000;

/** An alert as a process raises it: about a task, by id (the alerter reads the rest). */
export interface RaisedAlert {
  type: TaskAlertType;
  taskId: string;
  runId: string | null;
  message: string;
}

export interface AlerterDeps {
  /** The safe client every webhook goes through (SPEC §14). */
  webhooks: WebhookClient;
  redis: Redis;
  prefix: string;
  /** ALERT_WEBHOOK_URL; undefined: only tasks' own alert_url. */
  globalUrl?: string | undefined;
  /** ALERT_SIGNING_SECRET: signs ALERT_WEBHOOK_URL alerts; undefined: unsigned. */
  globalSecret?: string | undefined;
  /** ALERT_MAX_PER_MINUTE. */
  maxPerMinute: number;
  /** The task an alert is about; undefined when it is gone. */
  target: (taskId: string) => Promise<AlertTarget | undefined>;
  logger: Logger;
  /** Flow control (SPEC §12): an alert waits for its destination's limits as a delivery does. */
  flow?: FlowControl | undefined;
  /** The window ALERT_MAX_PER_MINUTE counts over; a minute unless a test says otherwise. */
  windowMs?: number;
  now?: () => Date;
}

/** Where one alert goes, and what signs it: ALERT_WEBHOOK_URL, or one task's alert_url. */
interface Destination {
  key: string;
  url: string;
  secrets: string[];
}

/**
 * SPEC §14 alerts, sent by the process that raises them (the worker, a publisher, the API),
 * never through the job queue: an alert goes out even when no worker runs. Each goes to
 * ALERT_WEBHOOK_URL (signed with ALERT_SIGNING_SECRET when set) and to its task's own
 * alert_url (signed with the task's secret), with a webhook-id of its own, through the safe
 * client. Each destination takes ALERT_MAX_PER_MINUTE a minute across every process (counted
 * in Redis); the rest wait in a Redis list and go out as one `digest` when the window ends.
 * An alert that cannot be delivered is logged once: never retried, never alerted about.
 */
export class Alerter {
  private readonly windowMs: number;
  private readonly now: () => Date;
  private readonly pending = new Set<Promise<void>>();
  private readonly digestTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: AlerterDeps) {
    this.windowMs = deps.windowMs ?? ALERT_WINDOW_MS;
    this.now = deps.now ?? (() => new Date());
  }

  /** Sends the alert in the background: the caller (a delivery, a tick) does not wait for it. */
  raise(alert: RaisedAlert): void {
    if (this.stopped) return;
    const sending = this.send(alert).catch((error: unknown) => {
      this.deps.logger.warn(
        { err: error, alert: alert.type, taskId: alert.taskId },
        `could not send the ${alert.type} alert (${describeError(error)}): it is dropped`,
      );
    });
    this.track(sending);
  }

  /** Sends the alert to each destination, or keeps it for the digest of one over its limit. */
  async send(raised: RaisedAlert): Promise<void> {
    const task = await this.deps.target(raised.taskId);
    if (!task) return;
    const destinations = this.destinationsOf(task);
    if (destinations.length === 0) return;
    const alert: TaskAlert = {
      type: raised.type,
      task: { id: task.id, task_name: task.task_name },
      runId: raised.runId,
      message: raised.message,
      at: this.now(),
    };
    await Promise.all(destinations.map((destination) => this.admitAndSend(destination, alert)));
  }

  /** Stops taking alerts, sends the digests this process holds, and waits for what is in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, timer] of this.digestTimers) {
      clearTimeout(timer);
      this.digestTimers.delete(key);
      this.track(this.flushDigest(key));
    }
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private destinationsOf(task: AlertTarget | undefined): Destination[] {
    const destinations: Destination[] = [];
    if (this.deps.globalUrl) {
      destinations.push({
        key: 'global',
        url: this.deps.globalUrl,
        secrets: this.deps.globalSecret ? [this.deps.globalSecret] : [],
      });
    }
    if (task?.alert_url) {
      destinations.push({
        key: `task:${task.id}`,
        url: task.alert_url,
        secrets: signingSecrets(task, this.now()),
      });
    }
    return destinations;
  }

  /** A destination by its key, as it is now: ALERT_WEBHOOK_URL, or a task's alert_url if it still has one. */
  private async destinationOf(key: string): Promise<Destination | undefined> {
    if (key === 'global') return this.destinationsOf(undefined)[0];
    const task = await this.deps.target(key.slice('task:'.length));
    return task ? this.destinationsOf(task).find((d) => d.key === key) : undefined;
  }

  private keys(key: string) {
    const base = `${this.deps.prefix}:alerts:${key}`;
    return { count: `${base}:count`, digest: `${base}:digest` };
  }

  /**
   * Counts the alert in its destination's window (one MULTI: the window starts with its
   * first alert and always expires), then sends it, or keeps it for the window's digest.
   */
  private async admitAndSend(destination: Destination, alert: TaskAlert): Promise<void> {
    const keys = this.keys(destination.key);
    const replies = await this.deps.redis
      .multi()
      .set(keys.count, '0', 'PX', this.windowMs, 'NX')
      .incr(keys.count)
      .pttl(keys.count)
      .exec();
    const count = Number(replies?.[1]?.[1] ?? 0);
    const ttlMs = Number(replies?.[2]?.[1] ?? this.windowMs);
    if (count <= this.deps.maxPerMinute) {
      await this.deliver(destination, alert);
      return;
    }
    // Over the limit: kept for the digest when the window ends (its secrets stay out of Redis).
    await this.deps.redis
      .multi()
      .rpush(keys.digest, JSON.stringify({ ...alert, at: alert.at.toISOString() }))
      .pexpire(keys.digest, DIGEST_KEEP_MS)
      .exec();
    this.scheduleDigest(destination.key, Math.max(0, ttlMs) + 10);
  }

  private scheduleDigest(key: string, delayMs: number): void {
    if (this.digestTimers.has(key) || this.stopped) return;
    const timer = setTimeout(() => {
      this.digestTimers.delete(key);
      this.track(this.flushDigest(key));
    }, delayMs);
    timer.unref();
    this.digestTimers.set(key, timer);
  }

  /** Takes the destination's waiting alerts (whichever process comes first) and sends them as one digest. */
  private async flushDigest(key: string): Promise<void> {
    const keys = this.keys(key);
    try {
      const replies = await this.deps.redis.multi().lrange(keys.digest, 0, -1).del(keys.digest).exec();
      const items = (replies?.[0]?.[1] ?? []) as string[];
      if (items.length === 0) return;
      const destination = await this.destinationOf(key);
      if (!destination) return;
      const alerts = items.map((item) => {
        const parsed = JSON.parse(item) as Omit<TaskAlert, 'at'> & { at: string };
        return { ...parsed, at: new Date(parsed.at) };
      });
      await this.deliver(destination, {
        type: 'digest',
        alerts,
        maxPerMinute: this.deps.maxPerMinute,
        at: this.now(),
      });
    } catch (error) {
      this.deps.logger.warn({ err: error }, `could not send an alert digest (${describeError(error)})`);
    }
  }

  /** One request, no retry: a failure is logged (without the URL, which may hold a token). */
  private async deliver(destination: Destination, alert: Alert): Promise<void> {
    const about = alert.type === 'digest' ? {} : { taskId: alert.task.id, runId: alert.runId };
    const where = destination.key === 'global' ? 'ALERT_WEBHOOK_URL' : 'the task’s alert_url';
    const messageId = randomUUID();
    const send = () =>
      this.deps.webhooks.post(destination.url, alertBody(alert, destination.url), {
        runId: messageId,
        signingSecrets: destination.secrets,
      });
    const delivery = await this.withinLimits(destination.url, messageId, send);
    if (!delivery) {
      this.deps.logger.warn(
        { alert: alert.type, ...about, host: hostOf(destination.url) },
        `alert ${alert.type} to ${where} (${hostOf(destination.url)}) dropped: its destination did not admit it within ${ADMIT_MAX_WAIT_MS / 1000} s`,
      );
      return;
    }
    if (delivery.outcome.kind === 'delivered') {
      this.deps.logger.info({ alert: alert.type, ...about }, `alert ${alert.type} sent to ${where}`);
      return;
    }
    this.deps.logger.warn(
      { alert: alert.type, ...about, host: hostOf(destination.url) },
      `alert ${alert.type} could not be delivered to ${where} (${hostOf(destination.url)}): ${delivery.message.slice(0, 300)}; it is not sent again`,
    );
  }

  /**
   * Sends through flow control when there is one: waits (at most ADMIT_MAX_WAIT_MS) for a
   * slot at the destination, and tells it what the answer said (a Discord bucket, a hold).
   * Undefined when the destination did not admit it in time.
   */
  private async withinLimits(
    url: string,
    messageId: string,
    send: () => Promise<Delivery>,
  ): Promise<Delivery | undefined> {
    const flow = this.deps.flow;
    const key = destinationOf(url);
    if (!flow || !key) return send();
    const deadline = Date.now() + ADMIT_MAX_WAIT_MS;
    let lease: Lease | undefined;
    while (!lease) {
      const admission = await flow.admit(key, `alert:${messageId}`);
      if (admission.kind === 'admitted') lease = admission.lease;
      else if (Date.now() + admission.waitMs > deadline) return undefined;
      else await new Promise((resolve) => setTimeout(resolve, Math.max(admission.waitMs, 20)));
    }
    let delivery: Delivery | undefined;
    try {
      delivery = await send();
      return delivery;
    } finally {
      const outcome = delivery?.outcome;
      const httpStatus =
        outcome?.kind === 'delivered' || outcome?.kind === 'http-error' ? outcome.httpStatus : null;
      await flow.settle(lease, httpStatus, delivery?.signals).catch(() => undefined);
    }
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
