/** How long a task's previous secret keeps signing after a rotation (SPEC §14). */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** What a task keeps of its Standard Webhooks secrets. */
export interface TaskSecrets {
  signing_secret: string;
  previous_signing_secret: string | null;
  secret_rotated_at: Date | null;
}

/**
 * The secrets that sign a request sent at `now`: the task's own, and for 24 h
 * after a rotation the one before it too, so a receiver that still holds the
 * old secret verifies every request while it switches.
 */
export function signingSecrets(task: TaskSecrets, now: Date): string[] {
  const { previous_signing_secret: previous, secret_rotated_at: rotatedAt } = task;
  const overlapping =
    previous !== null && rotatedAt !== null && now.getTime() - rotatedAt.getTime() < SECRET_OVERLAP_MS;
  return overlapping ? [task.signing_secret, previous] : [task.signing_secret];
}
