import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { readEnvFile, repoRoot } from '@scheduler/config';

export const schedulerBin = path.join(repoRoot, 'apps/cli/bin/scheduler.js');
export const dummyWebhookMain = path.join(repoRoot, 'apps/dummy-webhook/dist/main.js');

/**
 * What tests let webhooks reach (WEBHOOK_ALLOWED_HOSTS): the receivers listen on 127.0.0.1.
 * Other loopback addresses (127.0.0.2) stand for refused targets: tests never connect beyond loopback.
 */
export const TEST_ALLOWED_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** The variables of .env.example, so a spawned process needs no .env of its own. */
export function baseEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...readEnvFile(path.join(repoRoot, '.env.example')),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    WEBHOOK_ALLOWED_HOSTS: TEST_ALLOWED_HOSTS.join(','),
    ...overrides,
  };
}

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends the signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  exited: Promise<number | string>;
}

/** Starts a node script as a real process, as a user would. */
export function startProcess(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): RunningProcess {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first.`);
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    name,
    child,
    exited,
    output: () => output,
    waitForOutput(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms. Output:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void exited.then((code) => {
          if (!pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`${name} exited (${code}) before printing ${pattern}. Output:\n${output}`));
          }
        });
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value that is not undefined/false. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
