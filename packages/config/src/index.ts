export { loadConfig, loadConfigOrExit, readEnvFile, repoRoot, ConfigError } from './load-config';
export type { Config, LoadOptions } from './load-config';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { runUntilSignal } from './run-until-signal';
export { envSchema, logLevels, logFormats, EXAMPLE_API_KEY } from './schema';
export type { Env, LogLevel, LogFormat } from './schema';
export { describeError, redactUrl } from './describe';
export { terminalSafe, terminalSafeLines } from './terminal-text';
