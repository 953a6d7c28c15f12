import { spawn } from 'node:child_process';
import net from 'node:net';
import { baseEnv, freePort, waitFor } from '@scheduler/test-support';
import { expect, test } from 'vitest';

/** Whether something accepts connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

// A supervisor (systemd, a process manager) that runs `npm run <service>` stops it by
// signalling npm: the service itself must get the signal and stop, not stay behind.
test('SIGTERM to `npm run dummy-webhook` stops the service itself, which frees its port', async () => {
  const port = await freePort();
  const npm = spawn('npm', ['run', '--silent', 'dummy-webhook'], {
    env: baseEnv({ DUMMY_WEBHOOK_PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => npm.once('exit', resolve));
  try {
    await waitFor('the dummy webhook to listen', () => listening(port), 20_000);

    npm.kill('SIGTERM');
    await exited;

    await waitFor('the port to be free', async () => !(await listening(port)), 10_000);
    expect(output).toMatch(/dummy webhook stopped/);
  } finally {
    npm.kill('SIGKILL');
  }
}, 40_000);
