import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

/**
 * `main.ts` as a user runs it: `node apps/dummy-webhook/dist/main.js`. It runs the built
 * code, which the root `npm test` produces first (it builds every workspace); run
 * `npm run build` before running this file on its own.
 */
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(repoRoot, 'apps', 'dummy-webhook', 'dist', 'main.js');
const configEntry = path.join(repoRoot, 'packages', 'config', 'dist', 'index.js');

/** The working defaults of every variable, so the process starts whether or not a .env exists. */
function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path.join(repoRoot, '.env.example'), 'utf8').split('\n')) {
    const match = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.trim();
  }
  return env;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  /** Settles once the process exited and its output was fully read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...exampleEnv(), LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitForHealth(base: string, started: Started): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) {
      throw new Error(`dummy webhook exited with ${started.child.exitCode}:\n${started.output()}`);
    }
    try {
      const response = await fetch(`${base}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dummy webhook did not answer ${base}/health within 10 s:\n${started.output()}`);
}

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('dummy webhook process (dist/main.js)', { timeout: 20_000 }, () => {
  beforeAll(() => {
    for (const file of [entry, configEntry]) {
      if (!existsSync(file)) {
        throw new Error(`${path.relative(repoRoot, file)} is missing: run \`npm run build\` first`);
      }
    }
  });

  it('serves on DUMMY_WEBHOOK_PORT, logs the body, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const started = run({ DUMMY_WEBHOOK_PORT: String(port), DUMMY_WEBHOOK_LATENCY_MS: '0' });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, started);

    const response = await fetch(`${base}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ marker: 'process-test' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, request: 1 });
    expect(await (await fetch(`${base}/stats`)).json()).toEqual({ count: 1 });

    started.child.kill('SIGTERM');
    expect(await started.exited).toEqual({ code: 0, signal: null });

    const lines = logLines(started.output());
    expect(lines.map((line) => line.msg)).toContain(
      `dummy webhook listening on :${port} (fails on requests 7,11; no latency)`,
    );
    expect(lines.find((line) => line.msg === 'webhook request received')).toMatchObject({
      request: 1,
      status: 200,
      body: { marker: 'process-test' },
    });
    expect(lines.at(-1)?.msg).toBe('dummy webhook stopped');
  });

  it('stops on SIGINT too', async () => {
    const port = await freePort();
    const started = run({ DUMMY_WEBHOOK_PORT: String(port), DUMMY_WEBHOOK_LATENCY_MS: '0' });
    await waitForHealth(`http://127.0.0.1:${port}`, started);
    started.child.kill('SIGINT');
    expect(await started.exited).toEqual({ code: 0, signal: null });
  });

  it('exits 2 naming the variable when the config is invalid', async () => {
    const started = run({ DUMMY_WEBHOOK_PORT: '0', DUMMY_WEBHOOK_LATENCY_MS: '500-100' });
    expect(await started.exited).toEqual({ code: 2, signal: null });
    expect(started.output()).toMatch(/DUMMY_WEBHOOK_PORT="0" is invalid/);
    expect(started.output()).toMatch(/DUMMY_WEBHOOK_LATENCY_MS="500-100" is invalid/);
  });

  it('exits 1 saying which port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const started = run({ DUMMY_WEBHOOK_PORT: String(port) });
      expect(await started.exited).toEqual({ code: 1, signal: null });
      expect(started.output()).toContain(`cannot listen on :${port}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
