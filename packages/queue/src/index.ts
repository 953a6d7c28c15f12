export {
  DELIVERY_QUEUE,
  DELIVERY_BACKOFF,
  deliveryJobId,
  parseDeliveryJobId,
  deliveryJobData,
  deliveryJobOptions,
  taskPriorityOf,
} from './delivery-job';
export type { DeliveryJobData, DeliveryRun, RunTrigger } from './delivery-job';
export {
  createRedisConnection,
  createFailFastRedisConnection,
  createOneShotRedisConnection,
  createDeliveryQueue,
  isRedisUnavailable,
} from './connection';
export type { DeliveryQueue, Redis } from './connection';
export { enqueueDeliveries } from './enqueue';
export { runCancelledChannel, withdrawRun } from './cancel';
export {
  announceLimitsChanged,
  flowKey,
  destinationKeys,
  limitsChangedChannel,
  readDestinationStates,
  waitingAtDestination,
} from './flow-keys';
export type { DestinationState } from './flow-keys';
export { Heartbeat, aliveProcesses, HEARTBEAT_ALIVE_MS, HEARTBEAT_EVERY_MS } from './heartbeat';
export type { BeatingRole, ProcessBeat } from './heartbeat';
export { EventPublisher, eventsChannel, liveEventNames, parseLiveEvents, EVENTS_FLUSH_MS } from './events';
export type { LiveEvent, LiveEventName } from './events';
