export * from './destination';
export * from './rate-limit-signals';
