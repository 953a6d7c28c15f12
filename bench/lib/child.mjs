// Load generators and peer designs run in child processes of their own (as the
// product's publisher and worker do), so none shares an event loop with the
// receiver. They talk to the harness over IPC: the child says `ready`, the
// harness may say `go`, the child says `done`, the harness says `stop`.
import { fork } from 'node:child_process';
import path from 'node:path';
import { root } from './resources.mjs';

/**
 * @typedef {object} Child
 * @property {number} pid
 * @property {(message: object) => void} send
 * @property {(type: string, timeoutMs?: number) => Promise<any>} next  the next message of that type
 * @property {() => Promise<void>} stop
 */

/** @returns {Child} */
export function startChild(name, args = []) {
  const script = path.join(root, 'bench', 'children', `${name}.mjs`);
  const child = fork(script, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const inbox = [];
  const waiters = [];
  let exit = null;
  const deliver = () => {
    for (let i = 0; i < waiters.length; i++) {
      const waiter = waiters[i];
      const index = inbox.findIndex((m) => m.type === waiter.type);
      if (index >= 0) {
        waiters.splice(i--, 1);
        waiter.resolve(inbox.splice(index, 1)[0]);
      } else if (exit !== null) {
        waiters.splice(i--, 1);
        waiter.reject(new Error(`bench child ${name} exited (${exit}) before sending "${waiter.type}"`));
      }
    }
  };
  child.on('message', (message) => {
    inbox.push(message);
    deliver();
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exit = code ?? signal;
      deliver();
      resolve(exit);
    }),
  );
  return {
    pid: child.pid ?? 0,
    send: (message) => child.send(message),
    next(type, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(new Error(`bench child ${name} sent no "${type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          type,
          resolve: (m) => (clearTimeout(timer), resolve(m)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
        waiters.push(waiter);
        deliver();
      });
    },
    async stop() {
      if (exit !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
