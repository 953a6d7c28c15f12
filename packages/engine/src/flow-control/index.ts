export { FlowControl } from './flow-control';
export type {
  Admission,
  DestinationLimits,
  DestinationState,
  FlowControlOptions,
  Lease,
  Settled,
} from './flow-control';
