export * from './schedule';
export * from './retry';
export * from './errors';
export * from './task-input';
