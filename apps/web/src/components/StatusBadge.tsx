import type { AttemptStatus, RunStatus, TaskStatus } from '../app/api-types';

const tone = {
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300',
  blue: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300',
  red: 'bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-500/10 dark:text-rose-300',
  gray: 'bg-slate-100 text-slate-600 ring-slate-500/20 dark:bg-slate-500/10 dark:text-slate-300',
} as const;

function Badge({ color, label, title }: { color: keyof typeof tone; label: string; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tone[color]}`}
    >
      <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
      {label}
    </span>
  );
}

const taskStatusLook: Record<TaskStatus, { color: keyof typeof tone; label: string; title: string }> = {
  ready: { color: 'green', label: 'Ready', title: 'Waiting for its next due instant' },
  running: { color: 'blue', label: 'Running', title: 'A delivery is queued or in flight' },
  failed: { color: 'red', label: 'Failed', title: 'Out of retries: re-arm it to schedule it again' },
};

export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  const look = taskStatusLook[status];
  return <Badge {...look} />;
}

const attemptStatusLook: Record<AttemptStatus, { color: keyof typeof tone; label: string }> = {
  finish: { color: 'green', label: 'Succeeded' },
  running: { color: 'blue', label: 'Running' },
  failed: { color: 'red', label: 'Failed' },
  cancelled: { color: 'gray', label: 'Cancelled' },
};

export function AttemptStatusBadge({ status }: { status: AttemptStatus }) {
  return <Badge {...attemptStatusLook[status]} />;
}

/** Paused by a user, or disabled by its webhook (SPEC §14), which says why. */
export function DisabledBadge({ reason = null }: { reason?: string | null }) {
  if (reason !== null)
    return <Badge color="red" label="Disabled" title={`Disabled automatically: ${reason}`} />;
  return <Badge color="gray" label="Paused" title="Disabled: the publisher skips it" />;
}

const runStatusLook: Record<RunStatus, { color: keyof typeof tone; label: string; title: string }> = {
  queued: { color: 'blue', label: 'Queued', title: 'Claimed; no attempt started yet' },
  running: { color: 'blue', label: 'Running', title: 'An attempt is in flight or a retry is pending' },
  finish: { color: 'green', label: 'Succeeded', title: 'Delivered' },
  failed: { color: 'red', label: 'Failed', title: 'Out of retries, or refused by the webhook' },
  cancelled: { color: 'gray', label: 'Cancelled', title: 'Cancelled by a user' },
  expired: { color: 'red', label: 'Expired', title: 'Ended before it could be delivered' },
  skipped: { color: 'gray', label: 'Skipped', title: 'Not run: its conditions were not met' },
};

/** Run statuses as the Runs page words them (the same words as attempts where they mean the same). */
export const runStatusLabel = (status: RunStatus): string => runStatusLook[status].label;

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <Badge {...runStatusLook[status]} />;
}
