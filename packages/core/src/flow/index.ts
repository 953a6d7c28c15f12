export * from './destination';
export * from './rate-limit-signals';
export * from './destination-input';
