// Small process helpers for scripts/check-images.mjs: start an image's command
// as a real process, watch its output, run a health check, stop it by signal.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** uid/gid of `nobody` when we are root: an image's non-root USER is replayed as an unprivileged user. */
export function unprivilegedIds() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : {};
}

/** Starts `argv` and keeps its output; `stop(signal)` resolves with the exit code or signal name. */
export function startProcess(name, argv, { cwd, env, ids = {} }) {
  const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...ids });
  let output = '';
  const onData = (chunk) => {
    output += chunk.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    child.once('error', (error) => {
      output += `\n(spawn failed: ${error.message})`;
      resolve('spawn-error');
    });
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  let exitValue;
  void exited.then((value) => (exitValue = value));
  return {
    name,
    child,
    exited,
    output: () => output,
    hasExited: () => exitValue !== undefined,
    async stop(signal = 'SIGTERM', timeoutMs = 35_000) {
      if (exitValue === undefined) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs a command to its end (bounded); resolves with { code, output }. */
export async function runToEnd(name, argv, options, timeoutMs) {
  const proc = startProcess(name, argv, options);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

/** Polls `probe` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(what, probe, timeoutMs, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
