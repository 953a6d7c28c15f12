export { FlowControl } from './flow-control';
export type { Admission, DestinationLimits, FlowControlOptions, Lease, Settled } from './flow-control';
export { StoredLimits, STORED_LIMITS_REFRESH_MS } from './stored-limits';
