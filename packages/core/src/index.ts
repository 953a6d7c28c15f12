export * from './schedule';
export * from './retry';
export * from './errors';
export * from './task-input';
export * from './task-query';
export * from './runs';
export * from './upcoming-run';
export { MAX_PAYLOAD_DEPTH, payloadContentProblem, toStorableText } from './stored-text';
export * from './dependency-gate';
