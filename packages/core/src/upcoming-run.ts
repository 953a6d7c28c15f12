/**
 * What will really happen next to a task, which its `next_run_at` alone does not say: the
 * publisher claims only a `ready`, enabled task, so a paused task keeps a `next_run_at` that
 * slips into the past, and a failed one keeps the instant it would have had (SPEC §5). Re-arming
 * and enabling both schedule the task from its next future instant.
 */
export type UpcomingRun<Instant> =
  | { kind: 'due'; at: Instant }
  /** The schedule never comes due again. */
  | { kind: 'never' }
  /** A chained task (SPEC §13): it runs when the tasks it depends on have all finished. */
  | { kind: 'after-dependencies' }
  /** No run until a user acts: re-arms a failed task, enables a paused one, or both. */
  | { kind: 'waiting'; until: readonly ('re-armed' | 'enabled')[] };

export interface UpcomingRunTask<Instant> {
  enabled: boolean;
  task_status: string;
  next_run_at: Instant | null;
  /** Neither (both null): a chained task. Absent: not known, taken as scheduled. */
  task_schedule?: string | null;
  run_at?: unknown;
}

export function upcomingRun<Instant>(task: UpcomingRunTask<Instant>): UpcomingRun<Instant> {
  const until: ('re-armed' | 'enabled')[] = [];
  if (task.task_status === 'failed') until.push('re-armed');
  if (!task.enabled) until.push('enabled');
  if (until.length > 0) return { kind: 'waiting', until };
  if (task.task_schedule === null && task.run_at === null) return { kind: 'after-dependencies' };
  return task.next_run_at === null ? { kind: 'never' } : { kind: 'due', at: task.next_run_at };
}

/** `re-armed`, `enabled`, `re-armed and enabled`: what a waiting task waits for, in words. */
export function waitingFor(until: readonly ('re-armed' | 'enabled')[]): string {
  return until.join(' and ');
}
