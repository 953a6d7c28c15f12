import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { envSchema, type Env, type LogFormat, type LogLevel } from './schema';

export interface Config {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  apiHost: string;
  apiPort: number;
  apiKey: string;
  apiRateLimit: number;
  authFailuresPerMinute: number;
  corsOrigins: string[];
  webPort: number;
  dummyWebhookPort: number;
  publisherIntervalMs: number;
  workerConcurrency: number;
  webhookTimeoutMs: number;
  /** WEBHOOK_TIMEOUT_MAX_MS: the largest timeout_ms a task may ask for. */
  webhookTimeoutMaxMs: number;
  /** WEBHOOK_ALLOWED_HOSTS: host names, addresses and CIDRs exempt from the safe-target rule (SPEC §14). */
  webhookAllowedHosts: string[];
  retryBackoffMs: number;
  /** HISTORY_RETENTION_DAYS; 0 keeps everything. */
  historyRetentionDays: number;
  /** DESTINATION_MAX_CONCURRENCY: requests in flight per destination unless it has its own limit. */
  destinationMaxConcurrency: number;
  /** MAX_CONCURRENT_DELIVERIES: requests in flight across the cluster; undefined: no cap. */
  maxConcurrentDeliveries: number | undefined;
  /** DEPENDENCY_WAIT_MS (SPEC §13). */
  dependencyWaitMs: number;
  dummyWebhookFailOn: number[];
  dummyWebhookLatencyMs: { min: number; max: number };
  /** PUBLISHER_METRICS_PORT / WORKER_METRICS_PORT; undefined: no metrics server. */
  publisherMetricsPort: number | undefined;
  workerMetricsPort: number | undefined;
  metricsHost: string;
  /** METRICS_TOKEN: a second way into the API's /metrics; undefined: the API key only. */
  metricsToken: string | undefined;
  lateAlertAfterMs: number;
  /** ALERT_WEBHOOK_URL (SPEC §14); undefined: only tasks' own alert_url. */
  alertWebhookUrl: string | undefined;
  /** ALERT_SIGNING_SECRET: signs ALERT_WEBHOOK_URL alerts; undefined: unsigned. */
  alertSigningSecret: string | undefined;
  /** ALERT_MAX_PER_MINUTE: alerts per alert URL a minute before the rest go in a digest. */
  alertMaxPerMinute: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** Thrown when the environment is incomplete or malformed; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The repository root: the folder holding the root `.env` (four levels above this file's dist/ or src/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface LoadOptions {
  /** Defaults to `<repo root>/.env`. */
  envFile?: string;
  /** Defaults to `process.env`; its values win over the file's. */
  env?: NodeJS.ProcessEnv;
}

export function readEnvFile(envFile: string): Record<string, string> {
  return existsSync(envFile) ? parse(readFileSync(envFile)) : {};
}

/** Reads the root `.env`, overlays real environment variables, validates all of it once. */
export function loadConfig(options: LoadOptions = {}): Config {
  const fromFile = readEnvFile(options.envFile ?? path.join(repoRoot, '.env'));
  const fromEnv = options.env ?? process.env;
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const key of Object.keys(envSchema.shape)) {
    const value = fromEnv[key];
    if (value !== undefined) merged[key] = value;
  }
  const result = envSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const value = merged[name];
      return value === undefined || value === ''
        ? `${name} is missing: ${issue.message}`
        : `${name}=${JSON.stringify(value)} is invalid: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  return toConfig(result.data);
}

function toConfig(env: Env): Config {
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    apiHost: env.API_HOST,
    apiPort: env.API_PORT,
    apiKey: env.API_KEY,
    apiRateLimit: env.API_RATE_LIMIT,
    authFailuresPerMinute: env.AUTH_FAILURES_PER_MINUTE,
    corsOrigins: env.CORS_ORIGIN,
    webPort: env.WEB_PORT,
    dummyWebhookPort: env.DUMMY_WEBHOOK_PORT,
    publisherIntervalMs: env.PUBLISHER_INTERVAL_MS,
    workerConcurrency: env.WORKER_CONCURRENCY,
    webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
    webhookTimeoutMaxMs: env.WEBHOOK_TIMEOUT_MAX_MS,
    webhookAllowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
    retryBackoffMs: env.RETRY_BACKOFF_MS,
    historyRetentionDays: env.HISTORY_RETENTION_DAYS,
    destinationMaxConcurrency: env.DESTINATION_MAX_CONCURRENCY,
    maxConcurrentDeliveries: env.MAX_CONCURRENT_DELIVERIES,
    dependencyWaitMs: env.DEPENDENCY_WAIT_MS,
    dummyWebhookFailOn: env.DUMMY_WEBHOOK_FAIL_ON,
    dummyWebhookLatencyMs: env.DUMMY_WEBHOOK_LATENCY_MS,
    publisherMetricsPort: env.PUBLISHER_METRICS_PORT,
    workerMetricsPort: env.WORKER_METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    metricsToken: env.METRICS_TOKEN,
    lateAlertAfterMs: env.LATE_ALERT_AFTER_MS,
    alertWebhookUrl: env.ALERT_WEBHOOK_URL,
    alertSigningSecret: env.ALERT_SIGNING_SECRET,
    alertMaxPerMinute: env.ALERT_MAX_PER_MINUTE,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
  };
}

/**
 * For process entry points: load the config or print every problem and exit 2.
 * Nothing else in a process should read the environment.
 */
export function loadConfigOrExit(options: LoadOptions = {}): Config {
  try {
    return loadConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nFix the root .env (see .env.example) or the environment.\n`);
      process.exit(2);
    }
    throw error;
  }
}
