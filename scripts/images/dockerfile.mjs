// Reads the project's Dockerfile and replays its stages without a Docker engine:
// each stage is a folder standing for the image's filesystem, COPY copies into
// it, RUN runs the command in it. Only the instructions the Dockerfile uses are
// known; any other one fails the check, so the Dockerfile cannot drift into
// something this replay silently ignores.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const KNOWN = new Set([
  'FROM',
  'ARG',
  'WORKDIR',
  'ENV',
  'COPY',
  'RUN',
  'USER',
  'EXPOSE',
  'ENTRYPOINT',
  'CMD',
]);

/** `${NAME}` and `$NAME` from `vars`; an unknown name is an error (Docker would make it empty). */
export function expand(text, vars, where) {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => {
    const name = a ?? b;
    if (!(name in vars)) throw new Error(`${where}: $${name} is not declared with ARG or ENV`);
    return vars[name];
  });
}

/** Instructions with their line numbers: continuation lines joined, comments and blank lines dropped. */
function instructions(text) {
  const result = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [, op, rest = ''] = /^(\S+)\s*(.*)$/.exec(full);
    result.push({ op: op.toUpperCase(), args: rest, line: startLine });
  });
  return result;
}

/** JSON exec form of CMD/ENTRYPOINT, required so the process gets stop signals itself (no shell in between). */
function execForm(args, where) {
  let parsed;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`${where}: use the JSON exec form (["node", "..."]) so the process receives SIGTERM`);
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`${where}: expected a JSON array of strings`);
  }
  return parsed;
}

/** Splits `--from=x a b dest` into its parts. */
function copyArgs(args, where) {
  const words = args.split(/\s+/).filter(Boolean);
  let from;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift();
    const match = /^--from=(.+)$/.exec(flag);
    if (!match)
      throw new Error(`${where}: COPY flag ${flag} is not replayed; use plain COPY or COPY --from=`);
    from = match[1];
  }
  if (words.length < 2) throw new Error(`${where}: COPY needs a source and a destination`);
  return { from, sources: words.slice(0, -1), dest: words.at(-1) };
}

/** The Dockerfile as stages: `{ name, base, steps, line }`, with the global ARGs applied to FROM. */
export function parseDockerfile(file) {
  const globals = {};
  const stages = [];
  for (const ins of instructions(readFileSync(file, 'utf8'))) {
    const where = `${path.basename(file)}:${ins.line}`;
    if (!KNOWN.has(ins.op))
      throw new Error(`${where}: ${ins.op} is not replayed by scripts/check-images.mjs`);
    if (ins.op === 'FROM') {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(ins.args);
      if (!match) throw new Error(`${where}: name every stage (FROM image AS name)`);
      stages.push({ name: match[2], base: expand(match[1], globals, where), steps: [], line: ins.line });
      continue;
    }
    if (stages.length === 0) {
      if (ins.op !== 'ARG') throw new Error(`${where}: only ARG may come before the first FROM`);
      const [name, value = ''] = ins.args.split('=');
      globals[name] = value;
      continue;
    }
    stages.at(-1).steps.push({ ...ins, where });
  }
  return stages;
}

/** The stages `target` needs, in build order (each once). */
export function stagesFor(stages, targets) {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const order = [];
  const visit = (name, from) => {
    const stage = byName.get(name);
    if (!stage) throw new Error(`stage "${name}" (needed by ${from}) is not in the Dockerfile`);
    if (order.includes(stage)) return;
    if (byName.has(stage.base)) visit(stage.base, name);
    for (const step of stage.steps) {
      if (step.op === 'COPY') {
        const { from } = copyArgs(step.args, step.where);
        if (from) visit(from, name);
      }
    }
    order.push(stage);
  };
  for (const target of targets) visit(target, 'docker-compose.yml');
  return order;
}

const runningCommands = new Set();

/** Stops every RUN command still running (their whole process groups): for an interrupted check. */
export function stopRunCommands() {
  for (const child of runningCommands) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs a shell command, its output appended to `logFile`; rejects with the log's tail. */
function sh(command, { cwd, env, logFile }) {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n$ ${command}\n`);
    // Its own process group, so an interrupted check can stop npm and everything under it.
    const child = spawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    runningCommands.add(child);
    // The start of the output (npm puts the cause there) and its end.
    let head = '';
    let tail = '';
    const keep = (chunk) => {
      log.write(chunk);
      if (head.length < 2000) head += chunk.toString().slice(0, 2000 - head.length);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      runningCommands.delete(child);
      log.end();
      if (code === 0) resolve();
      else {
        const output = head.length < 2000 ? head : `${head}\n[…]\n${tail}`;
        reject(new Error(`\`${command}\` exited with ${code}; its output:\n${output}`));
      }
    });
  });
}

/** Copies like Docker's COPY: a folder's contents, or a file into a folder (dest ending in /) or to a path. */
function copyInto(source, dest, destIsDir) {
  if (!existsSync(source)) throw new Error(`COPY source ${source} does not exist`);
  if (statSync(source).isDirectory()) {
    mkdirSync(dest, { recursive: true });
    cpSync(source, dest, { recursive: true, verbatimSymlinks: true });
    return;
  }
  const target = destIsDir ? path.join(dest, path.basename(source)) : dest;
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(source, target);
}

/**
 * Replays `stage` into `<work>/stages/<name>` and returns what its image would run:
 * `{ name, root, cwd, env, user, entrypoint, cmd, base }`. `built` maps stage names
 * to results already made; `baseImage(stage)` prepares a public base image's root
 * and returns `{ env }` (its RUN lines are image setup and are not run, see `onSkip`).
 */
export async function replayStage(stage, { work, context, built, baseImage, logFile, onStep }) {
  const root = path.join(work, 'stages', stage.name);
  const parent = built.get(stage.base);
  let state;
  if (parent) {
    cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true });
    state = { ...parent, name: stage.name, root, env: { ...parent.env }, args: { ...parent.args } };
  } else {
    mkdirSync(root, { recursive: true });
    const base = baseImage(stage, root);
    state = { name: stage.name, root, base: stage.base, workdir: '/', env: base.env, args: {}, user: 'root' };
    state.external = true;
  }
  const inRoot = (p) => path.join(root, p);
  for (const step of stage.steps) {
    const vars = { ...state.args, ...state.env };
    switch (step.op) {
      case 'ARG': {
        const [name, value = ''] = step.args.split('=');
        state.args[name] = expand(value, vars, step.where);
        break;
      }
      case 'ENV': {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(step.args);
        if (!match) throw new Error(`${step.where}: write ENV as NAME=value`);
        state.env[match[1]] = expand(match[2], vars, step.where);
        break;
      }
      case 'WORKDIR':
        state.workdir = path.posix.resolve(state.workdir, expand(step.args, vars, step.where));
        mkdirSync(inRoot(state.workdir), { recursive: true });
        break;
      case 'USER':
        state.user = step.args.trim();
        break;
      case 'EXPOSE':
        state.expose = step.args.trim();
        break;
      case 'ENTRYPOINT':
        state.entrypoint = execForm(step.args, step.where);
        state.cmd = undefined; // as in Docker: a new ENTRYPOINT resets an inherited CMD
        break;
      case 'CMD':
        state.cmd = execForm(step.args, step.where);
        break;
      case 'COPY': {
        const { from, sources, dest } = copyArgs(expand(step.args, vars, step.where), step.where);
        const destPath = inRoot(path.posix.resolve(state.workdir, dest));
        const destIsDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
        for (const source of sources) {
          const sourcePath = from
            ? path.join(built.get(from).root, path.posix.resolve('/', source))
            : path.join(context, source);
          copyInto(sourcePath, destPath, destIsDir);
        }
        onStep(step, 'copied');
        break;
      }
      case 'RUN': {
        const command = expand(step.args, vars, step.where);
        if (state.external) {
          onStep(step, 'image setup, not replayed');
          break;
        }
        const started = Date.now();
        await sh(command, {
          cwd: inRoot(state.workdir),
          env: { ...process.env, ...state.args, ...state.env },
          logFile,
        });
        onStep(step, `ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        break;
      }
      default:
        throw new Error(`${step.where}: ${step.op} is not allowed inside a stage`);
    }
  }
  return { ...state, cwd: inRoot(state.workdir), external: false };
}

/** Docker's .dockerignore matching: a path is excluded when it or a parent folder matches; the last matching line wins. */
export function dockerignore(file) {
  const rules = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) => {
          if (part === '**/') return '(?:.*/)?';
          if (part === '**') return '.*';
          if (part === '*') return '[^/]*';
          if (part === '?') return '[^/]';
          return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        })
        .join('');
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (relativePath) => {
    const parts = relativePath.split('/');
    let excluded = false;
    for (const { negate, regex } of rules) {
      for (let i = 1; i <= parts.length; i++) {
        if (regex.test(parts.slice(0, i).join('/'))) {
          excluded = !negate;
          break;
        }
      }
    }
    return excluded;
  };
}
