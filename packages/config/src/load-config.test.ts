import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, repoRoot } from './load-config';

/** Every variable of SPEC §3, plus the two the code adds (REDIS_PREFIX, LOG_FORMAT); four have defaults. */
const complete: Record<string, string> = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/scheduler?sslmode=disable',
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: 'scheduler',
  API_HOST: '127.0.0.1',
  API_PORT: '3000',
  API_KEY: 'dev-api-key-change-me-0123456789',
  API_RATE_LIMIT: '600',
  AUTH_FAILURES_PER_MINUTE: '30',
  CORS_ORIGIN: 'http://localhost:5173, https://dash.example.com',
  WEB_PORT: '5173',
  DUMMY_WEBHOOK_PORT: '4000',
  PUBLISHER_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '10',
  WEBHOOK_TIMEOUT_MS: '10000',
  RETRY_BACKOFF_MS: '1000',
  DUMMY_WEBHOOK_FAIL_ON: '7,11',
  DUMMY_WEBHOOK_LATENCY_MS: '100-500',
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'pretty',
};

/** The variables beyond SPEC §3, with their defaults. */
const added = { REDIS_PREFIX: 'scheduler', LOG_FORMAT: 'pretty' };

/** The variables of SPEC §3 that may be left out, with their defaults. */
const optional = { API_HOST: '127.0.0.1', AUTH_FAILURES_PER_MINUTE: '30' };

const dir = mkdtempSync(path.join(tmpdir(), 'scheduler-config-test-'));
let files = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a .env file of `complete` with `changes` applied (undefined removes a variable). */
function envFile(changes: Record<string, string | undefined> = {}): string {
  const values: Record<string, string | undefined> = { ...complete, ...changes };
  const lines = Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`);
  const file = path.join(dir, `${++files}.env`);
  writeFileSync(file, `# written by load-config.test.ts\n${lines.join('\n')}\n`);
  return file;
}

/** The ConfigError that loading `changes` throws. */
function problemsOf(changes: Record<string, string | undefined>, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadConfig({ envFile: envFile(changes), env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(changes)}`);
}

describe('loadConfig', () => {
  it('loads a complete env file with every value typed', () => {
    const config = loadConfig({ envFile: envFile(), env: {} });

    expect(config).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/scheduler?sslmode=disable',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'scheduler',
      apiHost: '127.0.0.1',
      apiPort: 3000,
      apiKey: 'dev-api-key-change-me-0123456789',
      apiRateLimit: 600,
      authFailuresPerMinute: 30,
      corsOrigins: ['http://localhost:5173', 'https://dash.example.com'],
      webPort: 5173,
      dummyWebhookPort: 4000,
      publisherIntervalMs: 1000,
      workerConcurrency: 10,
      webhookTimeoutMs: 10000,
      webhookTimeoutMaxMs: 60000,
      webhookAllowedHosts: [],
      retryBackoffMs: 1000,
      historyRetentionDays: 30,
      destinationMaxConcurrency: 10,
      maxConcurrentDeliveries: undefined,
      dependencyWaitMs: 600000,
      dummyWebhookFailOn: [7, 11],
      dummyWebhookLatencyMs: { min: 100, max: 500 },
      publisherMetricsPort: undefined,
      workerMetricsPort: undefined,
      metricsHost: '127.0.0.1',
      metricsToken: undefined,
      lateAlertAfterMs: 60000,
      alertWebhookUrl: undefined,
      alertSigningSecret: undefined,
      alertMaxPerMinute: 10,
      logLevel: 'info',
      logFormat: 'pretty',
    });
  });

  it('reads the alert settings of SPEC §14, naming each bad one', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const config = loadConfig({
      envFile: envFile({
        ALERT_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/t',
        ALERT_SIGNING_SECRET: secret,
      }),
      env: { ALERT_MAX_PER_MINUTE: '3' },
    });
    expect(config).toMatchObject({
      alertWebhookUrl: 'https://discord.com/api/webhooks/1/t',
      alertSigningSecret: secret,
      alertMaxPerMinute: 3,
    });
    expect(
      problemsOf({ ALERT_WEBHOOK_URL: 'ftp://x', ALERT_SIGNING_SECRET: 'hunter2', ALERT_MAX_PER_MINUTE: '0' })
        .problems,
    ).toEqual([
      'ALERT_WEBHOOK_URL="ftp://x" is invalid: expected a http: or https: URL such as https://discord.com/api/webhooks/<id>/<token>',
      expect.stringMatching(
        /^ALERT_SIGNING_SECRET="hunter2" is invalid: expected a Standard Webhooks secret/,
      ),
      'ALERT_MAX_PER_MINUTE="0" is invalid: expected a number of alerts above 0',
    ]);
  });

  it('reads the metrics settings of SPEC §15; empty optional ones are unset', () => {
    const config = loadConfig({
      envFile: envFile({ PUBLISHER_METRICS_PORT: '9101', WORKER_METRICS_PORT: '', METRICS_TOKEN: '' }),
      env: { LATE_ALERT_AFTER_MS: '5000' },
    });
    expect(config).toMatchObject({ publisherMetricsPort: 9101, lateAlertAfterMs: 5000 });
    expect(config.workerMetricsPort).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
    expect(problemsOf({ METRICS_TOKEN: 'short' }).problems).toEqual([
      'METRICS_TOKEN="short" is invalid: expected a token of at least 16 characters',
    ]);
    expect(problemsOf({ WORKER_METRICS_PORT: '70000' }).problems).toEqual([
      'WORKER_METRICS_PORT="70000" is invalid: expected a port from 1 to 65535',
    ]);
  });

  it('reads the .env.example shipped at the repository root as a working configuration', () => {
    const config = loadConfig({ envFile: path.join(repoRoot, '.env.example'), env: {} });

    expect(config.apiPort).toBe(3000);
    expect(config.apiKey.length).toBeGreaterThanOrEqual(16);
    expect(config.dummyWebhookFailOn).toEqual([7, 11]);
  });

  it("works from SPEC's variables alone: the two it adds default to scheduler and pretty", () => {
    const config = loadConfig({
      envFile: envFile({ REDIS_PREFIX: undefined, LOG_FORMAT: undefined }),
      env: {},
    });
    expect(config).toMatchObject({ redisPrefix: added.REDIS_PREFIX, logFormat: added.LOG_FORMAT });
  });

  it('listens on 127.0.0.1 and allows 30 refused keys a minute when API_HOST and AUTH_FAILURES_PER_MINUTE are unset', () => {
    const config = loadConfig({
      envFile: envFile({ API_HOST: undefined, AUTH_FAILURES_PER_MINUTE: undefined }),
      env: {},
    });
    expect(config).toMatchObject({
      apiHost: optional.API_HOST,
      authFailuresPerMinute: Number(optional.AUTH_FAILURES_PER_MINUTE),
    });
  });

  it('lets a real environment variable win over the file', () => {
    const config = loadConfig({
      envFile: envFile(),
      env: { API_PORT: '3999', DATABASE_URL: 'postgres://other@db.internal:5432/elsewhere' },
    });

    expect(config.apiPort).toBe(3999);
    expect(config.databaseUrl).toBe('postgres://other@db.internal:5432/elsewhere');
    expect(config.webPort).toBe(5173);
  });

  it('fills a variable the file lacks from the environment', () => {
    const config = loadConfig({ envFile: envFile({ API_KEY: undefined }), env: { API_KEY: 'x'.repeat(16) } });

    expect(config.apiKey).toBe('x'.repeat(16));
  });

  it('names every missing and malformed variable in one error, with what was expected', () => {
    const error = problemsOf({ DATABASE_URL: undefined, REDIS_URL: undefined, API_PORT: 'abc' });

    expect(error.problems).toHaveLength(3);
    expect(error.message).toMatch(/DATABASE_URL is missing: expected .*postgres/);
    expect(error.message).toMatch(/REDIS_URL is missing: expected .*redis/);
    expect(error.message).toContain('API_PORT="abc" is invalid: expected a port number');
  });

  it('reports a malformed variable set in the environment with the environment value', () => {
    const error = problemsOf({}, { WORKER_CONCURRENCY: '0' });

    expect(error.problems).toEqual([
      expect.stringMatching(/^WORKER_CONCURRENCY="0" is invalid: expected .*above 0/),
    ]);
  });

  it.each([
    [
      'an API key shorter than 16 characters',
      { API_KEY: 'short-key' },
      /API_KEY="short-key" is invalid: .*16/,
    ],
    [
      'a latency range written high-low',
      { DUMMY_WEBHOOK_LATENCY_MS: '500-100' },
      /DUMMY_WEBHOOK_LATENCY_MS="500-100" is invalid: expected .*low end first/,
    ],
    [
      'a log level outside the list',
      { LOG_LEVEL: 'verbose' },
      /LOG_LEVEL="verbose" is invalid: expected one of fatal, error, warn, info, debug, trace/,
    ],
    [
      'an API host that is not an address',
      { API_HOST: 'every interface' },
      /API_HOST="every interface" is invalid: expected an IP address/,
    ],
    [
      'no refused keys allowed at all',
      { AUTH_FAILURES_PER_MINUTE: '0' },
      /AUTH_FAILURES_PER_MINUTE="0" is invalid: expected .*above 0/,
    ],
    [
      'a port above 65535',
      { WEB_PORT: '70000' },
      /WEB_PORT="70000" is invalid: expected a port from 1 to 65535/,
    ],
    [
      'a database URL of another scheme',
      { DATABASE_URL: 'mysql://root@127.0.0.1/scheduler' },
      /DATABASE_URL=.* is invalid: expected a postgres/,
    ],
    [
      'a fail-on list with words in it',
      { DUMMY_WEBHOOK_FAIL_ON: '7,eleven' },
      /DUMMY_WEBHOOK_FAIL_ON="7,eleven" is invalid: expected request numbers/,
    ],
  ])('refuses %s', (_what, changes, expected) => {
    const error = problemsOf(changes);

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(expected);
  });

  it('reads WEBHOOK_ALLOWED_HOSTS as host names, addresses and CIDRs; .env.example allows this machine', () => {
    const config = loadConfig({
      envFile: envFile({ WEBHOOK_ALLOWED_HOSTS: ' dummy-webhook, 10.1.0.0/16,::1,127.0.0.1 ,' }),
      env: {},
    });
    const example = loadConfig({ envFile: path.join(repoRoot, '.env.example'), env: {} });

    expect(config.webhookAllowedHosts).toEqual(['dummy-webhook', '10.1.0.0/16', '::1', '127.0.0.1']);
    expect(example.webhookAllowedHosts).toEqual(['127.0.0.1', 'localhost', '::1']);
  });

  it('names each WEBHOOK_ALLOWED_HOSTS entry that is no host, address or CIDR', () => {
    const error = problemsOf({ WEBHOOK_ALLOWED_HOSTS: 'localhost,http://hooks.example.com,10.0.0.0/40' });

    expect(error.problems).toEqual([
      expect.stringContaining('"http://hooks.example.com" is not a host name, an IP address or a CIDR'),
      expect.stringContaining('"10.0.0.0/40" is not a host name, an IP address or a CIDR'),
    ]);
    expect(error.problems[0]).toMatch(/^WEBHOOK_ALLOWED_HOSTS=/);
  });

  it('accepts a latency of 0 (switched off) and an empty fail-on list', () => {
    const config = loadConfig({
      envFile: envFile({ DUMMY_WEBHOOK_LATENCY_MS: '0', DUMMY_WEBHOOK_FAIL_ON: '' }),
      env: {},
    });

    expect(config.dummyWebhookLatencyMs).toEqual({ min: 0, max: 0 });
    expect(config.dummyWebhookFailOn).toEqual([]);
  });
});

describe('loadConfigOrExit in a process', () => {
  it('exits 2 and names every variable on stderr when nothing is configured', () => {
    const configDist = path.join(repoRoot, 'packages', 'config', 'dist', 'index.js');
    const script = `require(${JSON.stringify(configDist)}).loadConfigOrExit({ envFile: '/nonexistent', env: {} }); console.log('should not get here');`;

    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    for (const name of Object.keys(complete).filter((name) => !(name in added) && !(name in optional))) {
      expect(result.stderr).toContain(name);
    }
  });
});
