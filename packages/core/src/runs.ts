/**
 * Runs (SPEC §11): one firing of a task, with its attempts. The statuses and
 * triggers, and what a run's end means for its task.
 */
export const runStatuses = [
  'queued',
  'running',
  'finish',
  'failed',
  'cancelled',
  'expired',
  'skipped',
] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Why a run exists. */
export const runTriggers = ['schedule', 'manual', 'retry', 'dependency'] as const;
export type RunTrigger = (typeof runTriggers)[number];

/** A run in flight: claimed and not started (`queued`), or an attempt in flight or a retry pending (`running`). */
export const activeRunStatuses = ['queued', 'running'] as const satisfies readonly RunStatus[];

/** The runs a retry may send again: those that ended without delivering. */
export const retryableRunStatuses = [
  'failed',
  'cancelled',
  'expired',
] as const satisfies readonly RunStatus[];

export function isActiveRun(status: RunStatus): boolean {
  return (activeRunStatuses as readonly RunStatus[]).includes(status);
}

export function isRetryableRun(status: RunStatus): boolean {
  return (retryableRunStatuses as readonly RunStatus[]).includes(status);
}

/** What a run of a cancel says, and the attempt it aborted. */
export const CANCELLED_RUN_MESSAGE = 'cancelled by a user';
export const CANCELLED_ATTEMPT_MESSAGE = 'cancelled by a user: the request was aborted';
