import type { Logger } from '@scheduler/config';
import { destinationOf } from '@scheduler/core';
import type { ClusterRepository, LateTask } from '@scheduler/db';
import { type Redis, waitingAtDestination } from '@scheduler/queue';
import type { Alerter } from './alerter';

/** How often each watcher looks. */
export const LATE_WATCH_INTERVAL_MS = 5_000;
/** Late tasks looked at per pass: an outage making thousands late still costs one bounded query. */
const LATE_WATCH_LIMIT = 500;

export interface LateWatchDeps {
  cluster: ClusterRepository;
  redis: Redis;
  prefix: string;
  lateAfterMs: number;
  logger: Logger;
  intervalMs?: number;
  /** Sends task.late and task.late_recovered as alerts (SPEC §14); without it, log lines only. */
  alerts?: Alerter;
}

/**
 * The late tasks now, most late first, less those whose run flow control put off at a held
 * or busy destination (SPEC §15: those wait, they are not late); `looked` is how many the
 * query gave, before that (a full page may leave late tasks unseen).
 */
export async function lateTasksNow(
  deps: { cluster: ClusterRepository; redis: Redis; prefix: string },
  lateAfterMs: number,
  limit: number,
): Promise<{ late: LateTask[]; looked: number }> {
  const found = await deps.cluster.lateTasks(lateAfterMs, limit);
  const queued = found.flatMap((task) => {
    const destination = task.job_id === null ? undefined : destinationOf(task.webhook_url);
    return destination && task.job_id ? [{ destination, jobId: task.job_id }] : [];
  });
  const waiting = await waitingAtDestination(deps.redis, deps.prefix, queued);
  return {
    late: found.filter((task) => task.job_id === null || !waiting.has(task.job_id)),
    looked: found.length,
  };
}

/**
 * The late alarm of SPEC §15, run by every publisher and every API process (so it rings
 * when no publisher runs). An incident is a task and the due instant it is late for:
 * whichever watcher first adds it to a Redis set raises `task.late`, once; whichever
 * first takes it out when the task is no longer late (its run started) raises
 * `task.late_recovered`, once. Each is a log line (warn, then info) and an alert (§14),
 * sent by the watcher that raised it; `scheduler_late_tasks` counts.
 */
export class LateWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly key: string;

  constructor(private readonly deps: LateWatchDeps) {
    this.key = `${deps.prefix}:late:incidents`;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.check().catch((error: unknown) =>
        this.deps.logger.debug({ err: error }, 'late watch failed; trying again on the next pass'),
      );
    }, this.deps.intervalMs ?? LATE_WATCH_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.deps.alerts?.stop();
  }

  async check(): Promise<void> {
    const { redis, lateAfterMs, logger } = this.deps;
    const { late, looked } = await lateTasksNow(this.deps, lateAfterMs, LATE_WATCH_LIMIT);
    const now = Date.now();
    const current = new Map(
      late.map((task) => [JSON.stringify([task.task_id, task.due_at.toISOString()]), task]),
    );
    for (const [incident, task] of current) {
      if ((await redis.sadd(this.key, incident)) !== 1) continue;
      const lateMs = now - task.due_at.getTime();
      logger.warn(
        { alert: 'task.late', taskId: task.task_id, dueAt: task.due_at.toISOString(), lateMs },
        `task.late: "${task.task_name}" (${task.task_id}) is ${Math.round(lateMs / 1000)} s late: due ${task.due_at.toISOString()} and not started (no publisher or worker running, or a stuck queue)`,
      );
      this.deps.alerts?.raise({
        type: 'task.late',
        taskId: task.task_id,
        runId: null,
        message: `"${task.task_name}" is ${Math.round(lateMs / 1000)} s late: due ${task.due_at.toISOString()} and not started (no publisher or worker running, or a stuck queue).`,
      });
    }
    // A full page may leave late tasks unseen: only a short list says which incidents ended.
    if (looked >= LATE_WATCH_LIMIT) return;
    for (const incident of await redis.smembers(this.key)) {
      if (current.has(incident) || (await redis.srem(this.key, incident)) !== 1) continue;
      const [taskId, dueAt] = JSON.parse(incident) as [string, string];
      logger.info(
        { alert: 'task.late_recovered', taskId, dueAt },
        `task.late_recovered: task ${taskId}, due ${dueAt}, is late no more`,
      );
      this.deps.alerts?.raise({
        type: 'task.late_recovered',
        taskId,
        runId: null,
        message: `The run due ${dueAt} is late no more: it started.`,
      });
    }
  }
}
