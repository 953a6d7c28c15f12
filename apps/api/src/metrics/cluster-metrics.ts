import { activeRunStatuses, taskStatuses } from '@scheduler/core';
import type { ClusterRepository } from '@scheduler/db';
import type { DeliveryQueue } from '@scheduler/queue';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** The queue states `scheduler_queue_jobs{state}` reports, each always exported. */
export const queueStates = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

export interface ClusterMetricsDeps {
  cluster: ClusterRepository;
  queue: DeliveryQueue;
  lateAfterMs: number;
  /** How many destinations are held now (a 429 or 503 told them to wait, or a used-up bucket). */
  destinationsHeld: () => Promise<number>;
  /** The tasks late now, from PostgreSQL's count: less those waiting at a held or busy destination (SPEC §15). */
  lateTasks: (counted: number) => Promise<number>;
}

/**
 * The API's /metrics (SPEC §15): the cluster as PostgreSQL and the queue say it is at
 * scrape time, whichever API process is asked, plus this process's own default
 * metrics. Every value of a status or state label is set on every scrape, 0 when
 * none, so a fresh install shows every series.
 */
export class ClusterMetrics {
  readonly registry = new Registry();
  private readonly tasks = this.gauge('scheduler_tasks', 'Tasks by task_status.', ['status']);
  private readonly runs = this.gauge('scheduler_runs', 'Runs in flight now, by status.', ['status']);
  private readonly queueJobs = this.gauge('scheduler_queue_jobs', 'Delivery jobs in the queue, by state.', [
    'state',
  ]);
  private readonly dueBacklog = this.gauge(
    'scheduler_due_backlog',
    'Tasks due and not yet claimed by a publisher.',
  );
  private readonly oldestDue = this.gauge(
    'scheduler_oldest_due_seconds',
    'Seconds since the oldest due instant still waiting (not claimed, or claimed with no attempt started); 0 when none.',
  );
  private readonly destinationsHeld = this.gauge(
    'scheduler_destinations_held',
    'Destinations held now by what they answered.',
  );
  private readonly lateTasks = this.gauge(
    'scheduler_late_tasks',
    'Tasks whose due instant passed more than LATE_ALERT_AFTER_MS ago with their run not started.',
  );

  constructor(private readonly deps: ClusterMetricsDeps) {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Reads the cluster, then renders every metric in the Prometheus text format. */
  async scrape(): Promise<string> {
    const [snapshot, jobs, held] = await Promise.all([
      this.deps.cluster.snapshot(this.deps.lateAfterMs),
      this.deps.queue.getJobCounts(...queueStates),
      this.deps.destinationsHeld(),
    ]);
    for (const status of taskStatuses) this.tasks.set({ status }, snapshot.tasks[status]);
    for (const status of activeRunStatuses) this.runs.set({ status }, snapshot.runs[status]);
    for (const state of queueStates) this.queueJobs.set({ state }, jobs[state] ?? 0);
    this.dueBacklog.set(snapshot.dueBacklog);
    this.oldestDue.set(snapshot.oldestDueSeconds);
    this.destinationsHeld.set(held);
    this.lateTasks.set(await this.deps.lateTasks(snapshot.lateTasks));
    return this.registry.metrics();
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
