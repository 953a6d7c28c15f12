export { createDatabase, withDefaultSslMode } from './database';
export type { Database, DatabaseOptions } from './database';
export { migrate, migrationsDir } from './migrate';
export type * from './generated/db';
export type * from './rows';
export { TaskRepository } from './repositories/task.repository';
export type {
  AlertTarget,
  TaskListQuery,
  TaskSort,
  SortOrder,
  ClaimWrite,
  ClaimedRun,
  ClaimResult,
  RunStart,
  StartedRun,
} from './repositories/task.repository';
export { RunRepository } from './repositories/run.repository';
export {
  type DependencyEdge,
  type CheckedGraph,
  DependencyRepository,
  type ReleasedRun,
  type NamedTask,
} from './repositories/dependency.repository';
export type {
  RunListQuery,
  CancelTarget,
  CancelResult,
  ActiveRun,
  Punctuality,
} from './repositories/run.repository';
export { AttemptRepository } from './repositories/attempt.repository';
export type {
  AttemptKey,
  AttemptListQuery,
  AttemptStart,
  AttemptStarted,
  DeliveryTarget,
  AttemptResult,
  RunOutcome,
  AttemptRecorded,
  AttemptFinished,
} from './repositories/attempt.repository';
export { StatsRepository } from './repositories/stats.repository';
export type { AttemptSummary, HourlyAttempts, TaskCounts } from './repositories/stats.repository';
export { HealthRepository } from './repositories/health.repository';
export { isPostgresUnavailable, isTransientStorageError, isSchemaMissing } from './storage-errors';
export { DestinationRepository } from './repositories/destination.repository';
export type { DestinationLimitsPatch } from './repositories/destination.repository';
export { ClusterRepository } from './repositories/cluster.repository';
export type { ClusterSnapshot, LateTask } from './repositories/cluster.repository';
