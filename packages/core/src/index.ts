export * from './schedule';
export * from './retry';
export * from './errors';
export * from './task-input';
export * from './task-query';
