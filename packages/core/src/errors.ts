/**
 * Domain errors. Services throw these; the API maps each to its HTTP error once
 * (one exception filter), and the CLI prints its message and exits 2.
 */
export type ValidationCode = 'VALIDATION_ERROR' | 'INVALID_SCHEDULE' | 'PAYLOAD_TOO_LARGE';

/** Bad input: `details` maps each offending field to what was wrong with it. */
export class TaskValidationError extends Error {
  constructor(
    message: string,
    readonly code: ValidationCode,
    readonly details: Record<string, string>,
  ) {
    super(message);
    this.name = 'TaskValidationError';
  }
}

export class TaskNotFoundError extends Error {
  constructor(readonly taskId: string) {
    super(`Task ${taskId} does not exist.`);
    this.name = 'TaskNotFoundError';
  }
}

/** The request conflicts with the task's state (e.g. run now while it is running). */
export class TaskConflictError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TaskConflictError';
  }
}

export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`Run ${runId} does not exist.`);
    this.name = 'RunNotFoundError';
  }
}
