export { FlowControl } from './flow-control';
export type { Admission, DestinationLimits, FlowControlOptions, Lease, Settled } from './flow-control';
