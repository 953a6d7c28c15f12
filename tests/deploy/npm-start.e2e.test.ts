import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envSchema, loadConfig, readEnvFile, repoRoot } from '@scheduler/config';
import {
  clearPrefix,
  databaseUrlFor,
  freePort,
  testRedis,
  uniquePrefix,
  waitFor,
} from '@scheduler/test-support';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` as a user meets it (SPEC §9, issue 5): a fresh clone with nothing
 * installed or built, its own database, Redis prefix and ports given as
 * environment variables (which win over .env). The clone is the repository's
 * files as git sees them, committed or not (`git ls-files -co --exclude-standard`),
 * so the test covers the working tree; node_modules is NOT copied: `npm start`
 * must run `npm ci` itself, which is the path a new user takes.
 */

interface Proc {
  pid: number;
  command: string;
}

/** Every process whose working folder or command line is inside `dir`, this test's own excepted. */
function processesIn(dir: string): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // another user's process: its command line still tells
      }
      if (command && (cwd === dir || cwd.startsWith(`${dir}/`) || command.includes(dir))) {
        found.push({ pid: Number(entry), command });
      }
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** The repository's files as a fresh clone of the working tree would have them. */
function freshClone(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scheduler-npm-start-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(repoRoot, file))) continue; // deleted, not yet staged
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
  return dir;
}

/** The environment of a user's shell: none of this test runner's npm or Vitest variables, none of the config's. */
function userEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$)/.test(key) || key in envSchema.shape) continue;
    env[key] = value;
  }
  return { ...env, FORCE_COLOR: '0', ...overrides };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrlFor(loadConfig().databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('npm start on a fresh clone', () => {
  let clone = '';
  const database = `scheduler_npm_start_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const prefix = uniquePrefix();
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    // Whatever the outcome: nothing of this clone keeps running, nothing of it stays stored.
    if (!clone) return;
    for (const proc of processesIn(clone)) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    const redis = testRedis();
    await clearPrefix(redis, prefix);
    redis.disconnect();
    rmSync(clone, { recursive: true, force: true });
  }, 120_000);

  it('installs, migrates, runs every service, delivers a task, and stops everything on one SIGINT', async () => {
    clone = freshClone();
    const [apiPort, webPort, dummyPort] = [await freePort(), await freePort(), await freePort()];
    const example = readEnvFile(path.join(repoRoot, '.env.example'));
    child = spawn('npm', ['start'], {
      cwd: clone,
      env: userEnv({
        DATABASE_URL: databaseUrlFor(loadConfig().databaseUrl, database),
        REDIS_URL: loadConfig().redisUrl,
        REDIS_PREFIX: prefix,
        API_PORT: String(apiPort),
        WEB_PORT: String(webPort),
        DUMMY_WEBHOOK_PORT: String(dummyPort),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | string>((resolve) =>
      child?.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    let exitValue: number | string | undefined;
    void exited.then((value) => (exitValue = value));
    const alive = () => {
      if (exitValue !== undefined) throw new Error(`npm start exited (${exitValue})`);
    };
    /** waitFor, failing with the end of what npm start printed. */
    const waitForIt = async <T>(
      what: string,
      probe: () => Promise<T | undefined | false>,
      timeoutMs = 30_000,
    ) => {
      try {
        return await waitFor(what, probe, timeoutMs, 250);
      } catch (error) {
        throw new Error(`${(error as Error).message}; npm start printed:\n${output.slice(-6000)}`);
      }
    };
    const answers = (url: string) => async () => {
      alive();
      const response = await fetch(url).catch(() => undefined);
      return response?.ok ? response : undefined;
    };

    // npm ci, build, migrate, start (about 2 minutes on an idle machine): the API answers on API_PORT.
    await waitForIt('the API /health', answers(`http://127.0.0.1:${apiPort}/health`), 240_000);
    // The publisher and the worker npm start runs are seen alive by their heartbeats: ok, not degraded.
    const health = await waitForIt('/health to see a publisher and a worker', async () => {
      const body = (await (await answers(`http://127.0.0.1:${apiPort}/health`)())?.json()) as
        { status: string } | undefined;
      return body?.status === 'ok' && body;
    });
    expect(health).toMatchObject({ status: 'ok', publishers: 1, workers: 1 });
    expect(output).toContain('Installing dependencies (npm ci)');
    expect(output).toContain(
      `Created .env from .env.example, with a new random API_KEY (the API_KEY line of ${path.join(clone, '.env')};`,
    );
    // The API answers to the key written into .env, never to the public example's.
    const apiKey = readEnvFile(path.join(clone, '.env')).API_KEY ?? '';
    expect(apiKey).toMatch(/^[0-9a-f]{48}$/);
    expect(output).not.toContain(apiKey);
    const withExampleKey = await fetch(`http://127.0.0.1:${apiPort}/api/tasks`, {
      headers: { 'X-API-KEY': example.API_KEY ?? '' },
    });
    expect(withExampleKey.status).toBe(401);
    expect(output).toContain(`dashboard     http://localhost:${webPort}`);
    expect(output).toContain(`API docs      http://localhost:${apiPort}/api/docs`);
    expect(output).toContain('API key       the API_KEY line of .env');

    // The dashboard is served on WEB_PORT and passes /health to the API on API_PORT.
    const index = await waitForIt('the dashboard', answers(`http://127.0.0.1:${webPort}/`));
    expect(await index.text()).toContain('<div id="root">');
    const proxied = await waitForIt(
      '/health through the dashboard',
      answers(`http://127.0.0.1:${webPort}/health`),
    );
    expect(proxied.status).toBe(200);

    // A task created through the API reaches the dummy webhook through the publisher and the worker.
    const created = await fetch(`http://127.0.0.1:${apiPort}/api/tasks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-KEY': apiKey },
      body: JSON.stringify({
        task_name: 'npm start e2e',
        task_schedule: '* * * * * *',
        webhook_url: `http://127.0.0.1:${dummyPort}/webhook`,
        json_payload: { content: 'hello from npm start' },
      }),
    });
    expect(created.status).toBe(201);
    await waitForIt('a delivery at the dummy webhook', async () => {
      alive();
      const stats = (await (await fetch(`http://127.0.0.1:${dummyPort}/stats`)).json()) as { count: number };
      return stats.count >= 1;
    });

    // One SIGINT to npm start (as Ctrl-C's first signal) stops every process it started, within seconds.
    const before = processesIn(clone);
    for (const role of [
      'apps/api/dist/main.js',
      'vite',
      'publisher',
      'worker',
      'apps/dummy-webhook/dist/main.js',
    ]) {
      expect(before.map((p) => p.command).join('\n')).toContain(role);
    }
    const sentAt = Date.now();
    child.kill('SIGINT');
    let left = before;
    while (Date.now() - sentAt < 15_000) {
      left = processesIn(clone);
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(left, `still running 15 s after SIGINT:\n${output.slice(-3000)}`).toEqual([]);
    expect([0, 130, 'SIGINT']).toContain(await exited);
  }, 330_000);

  it('refuses a busy port and a bad setting before starting anything, in a line each, with no stack trace', async () => {
    if (!clone) throw new Error('runs after the fresh-clone test, in its clone');
    const env = (changes: Record<string, string>) =>
      userEnv({
        DATABASE_URL: databaseUrlFor(loadConfig().databaseUrl, database),
        REDIS_URL: loadConfig().redisUrl,
        REDIS_PREFIX: prefix,
        ...changes,
      });
    const npmStart = (changes: Record<string, string>) => {
      try {
        execFileSync('npm', ['start'], { cwd: clone, env: env(changes), stdio: 'pipe', timeout: 60_000 });
        return { status: 0, output: '' };
      } catch (error) {
        const failed = error as { status: number | null; stdout: Buffer; stderr: Buffer };
        return { status: failed.status, output: `${failed.stdout.toString()}${failed.stderr.toString()}` };
      }
    };
    const holder = net.createServer();
    const busyPort = await new Promise<number>((resolve) =>
      holder.listen(0, '0.0.0.0', () => resolve((holder.address() as net.AddressInfo).port)),
    );
    try {
      const busy = npmStart({ API_PORT: String(busyPort) });
      expect(busy.status).toBe(1);
      expect(busy.output).toContain(`port ${busyPort} (API_PORT) is in use`);
      expect(busy.output).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }

    const bad = npmStart({ WORKER_CONCURRENCY: 'many' });
    expect(bad.status).toBe(2);
    expect(bad.output).toMatch(/WORKER_CONCURRENCY="many" is invalid/);
    expect(bad.output).not.toMatch(/\n\s+at /);
    expect(processesIn(clone)).toEqual([]);
  }, 150_000);
});
