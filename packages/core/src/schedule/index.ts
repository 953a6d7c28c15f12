export { InvalidScheduleError } from './invalid-schedule-error';
export { parseSchedule, type Schedule } from './parse-schedule';
export { nextRunAt, nextRunTimes } from './next-run';
export { InvalidTimezoneError, isValidTimezone, storedTimezone } from './timezone';
export { jitteredInstant, jitterOffsetMs, MAX_JITTER_MS } from './jitter';
export {
  type CatchUp,
  catchUpPolicies,
  type ClaimPlan,
  comesDueAt,
  deliveryDeadline,
  dueAt,
  instantAfterNext,
  jitterProblem,
  MAX_CATCH_UP_RUNS,
  nextDueInstant,
  nextNominalInstant,
  nominalInstantOf,
  ON_TIME_GRACE_MS,
  planClaim,
  type TaskTiming,
  upcomingDueInstants,
} from './due';
