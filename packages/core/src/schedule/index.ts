export { InvalidScheduleError } from './invalid-schedule-error';
export { parseSchedule, type Schedule } from './parse-schedule';
export { nextRunAt, nextRunTimes } from './next-run';
export { InvalidTimezoneError, isValidTimezone, storedTimezone } from './timezone';
export { nextDueInstant, planClaim, type ClaimPlan, type TaskTiming } from './due';
