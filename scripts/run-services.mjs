// Runs several long-lived processes side by side with prefixed, coloured output,
// and stops them all together, for `npm start`.
//
// Why not a generic runner: Ctrl-C in a terminal sends SIGINT to every process
// of the foreground group, and npm forwards it to its script once more. A
// service that got two SIGINTs would take the second as "exit now" and drop
// its work in flight. So each service runs in a process group of its own (the
// terminal's signal never reaches it) and gets exactly one SIGTERM from here,
// however many signals arrive; whatever still runs after `killAfterMs` is
// killed. A service that exits by itself stops the others.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const COLOURS = { cyan: 36, magenta: 35, green: 32, yellow: 33, blue: 34, red: 31 };

function colourEnabled() {
  if (process.env.NO_COLOR || process.env.FORCE_COLOR === '0') return false;
  return Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY === true;
}

/**
 * `services`: [{ name, command: [file, ...args], cwd, colour }]. Resolves with the exit code
 * `npm start` should end with: 0 after a requested stop, 1 when a service ended on its own.
 */
export function runServices(services, { killAfterMs = 15_000 } = {}) {
  const colour = colourEnabled();
  const width = Math.max(...services.map((s) => s.name.length));
  const label = (name, code) => {
    const text = `[${name.padEnd(width)}]`;
    return colour ? `\x1b[${COLOURS[code] ?? 0}m${text}\x1b[0m` : text;
  };
  const say = (line) => process.stdout.write(`${label('start', 'red')} ${line}\n`);

  let stopping = false;
  let failed = false;
  const children = services.map((service) => {
    const child = spawn(service.command[0], service.command.slice(1), {
      cwd: service.cwd,
      env: { ...process.env, ...(colour ? { FORCE_COLOR: '1' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: see the top of this file
    });
    const prefix = label(service.name, service.colour);
    for (const stream of [child.stdout, child.stderr]) {
      readline
        .createInterface({ input: stream })
        .on('line', (line) => process.stdout.write(`${prefix} ${line}\n`));
    }
    const exited = new Promise((resolve) => {
      child.once('error', (error) => {
        process.stdout.write(`${prefix} could not start: ${error.message}\n`);
        resolve('error');
      });
      child.once('exit', (code, signal) => resolve(code ?? signal));
    });
    void exited.then((result) => {
      if (!stopping) {
        failed = true;
        say(`${service.name} exited (${result}) on its own: stopping the others`);
        stop();
      } else if (result !== 0 && result !== 143 && result !== 'SIGTERM') {
        say(`${service.name} exited (${result}) while stopping`);
      }
    });
    return { service, child, exited };
  });

  const signalGroup = (child, signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let killTimer;
  function stop() {
    if (stopping) return;
    stopping = true;
    for (const { child } of children) if (child.pid) signalGroup(child, 'SIGTERM');
    killTimer = setTimeout(() => {
      for (const { service, child } of children) {
        if (child.exitCode === null && child.signalCode === null) {
          say(`${service.name} still running after ${killAfterMs / 1000} s: killing it`);
          signalGroup(child, 'SIGKILL');
        }
      }
    }, killAfterMs);
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (stopping) return; // the terminal's copy and npm's copy of one Ctrl-C
      say(`${signal}: stopping every service (at most ${killAfterMs / 1000} s)`);
      stop();
    });
  }

  return Promise.all(children.map((c) => c.exited)).then(() => {
    clearTimeout(killTimer);
    return failed ? 1 : 0;
  });
}
