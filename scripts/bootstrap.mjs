// What `npm start` and `npm test` do first on any machine, fresh clone included:
// install dependencies when missing, create .env from .env.example when missing
// (with secrets of its own), and make sure PostgreSQL and Redis answer at the .env URLs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A setup step that failed: it has said why in its own output. */
export class StepFailed extends Error {
  constructor(step, why, exitCode) {
    super(`This step failed (${why}): ${step}. Its output above says why.`);
    this.exitCode = exitCode;
  }
}

/**
 * Runs one setup step with its output shown; throws StepFailed when it fails
 * (see exitOnStepFailure).
 */
export function run(command, args, options = {}) {
  try {
    execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  } catch (error) {
    const step = [path.basename(command), ...args.map((a) => path.relative(root, a) || a)].join(' ');
    const why = error.status != null ? `exit ${error.status}` : (error.signal ?? error.code ?? error.message);
    throw new StepFailed(step, why, typeof error.status === 'number' && error.status > 0 ? error.status : 1);
  }
}

/**
 * Ends the script after a failed step with the step's exit code and one line
 * naming it, not with a stack trace of this script. Anything else is rethrown.
 */
export function exitOnStepFailure(error) {
  if (!(error instanceof StepFailed)) throw error;
  console.error(`\n${error.message}`);
  process.exit(error.exitCode);
}

/**
 * Returns the configuration, and `startedLocal`: which of PostgreSQL and Redis
 * ensure-services.sh started under .data/ in this run (not those that already
 * answered), so `npm start` can stop them again when it stops.
 */
export async function bootstrap() {
  if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    console.log('Installing dependencies (npm ci)...');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  ensureEnvFile();
  const config = await checkConfig();
  const before = localServicesRunning();
  run('bash', [path.join(root, 'scripts', 'ensure-services.sh')]);
  const after = localServicesRunning();
  const startedLocal = ['postgres', 'redis'].filter((name) => after[name] && !before[name]);
  return { startedLocal, config };
}

/**
 * Reads the configuration (environment over .env) before anything slow, so a
 * wrong value is reported at once, in one line per problem (exit 2). Builds
 * the small config package first: it is the one place that reads .env.
 */
async function checkConfig() {
  run('npm', ['run', 'build', '--silent', '--workspace', '@scheduler/config']);
  const { loadConfigOrExit } = await import('../packages/config/dist/index.js');
  return loadConfigOrExit();
}

/**
 * The secrets a new .env gets in place of the example's, which are public (they
 * are in the repository): a key that anyone who read .env.example could use
 * must never open a fresh install.
 */
const FRESH_SECRETS = ['API_KEY', 'POSTGRES_PASSWORD'];

/**
 * Creates .env from .env.example when there is none (a fresh clone): the same
 * lines, with a random API_KEY and POSTGRES_PASSWORD (48 hex digits, safe in a
 * URL). Readable by its owner only. Says where the key is, never the key itself,
 * so it does not end up in a log of the terminal.
 */
export function ensureEnvFile() {
  const envFile = path.join(root, '.env');
  if (existsSync(envFile)) return;
  let text = readFileSync(path.join(root, '.env.example'), 'utf8');
  for (const name of FRESH_SECRETS) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    const value = `${name}=${randomBytes(24).toString('hex')}`;
    text = line.test(text) ? text.replace(line, value) : `${text.trimEnd()}\n${value}\n`;
  }
  writeFileSync(envFile, text, { mode: 0o600, flag: 'wx' });
  console.log(
    `Created .env from .env.example, with a new random API_KEY (the API_KEY line of ${envFile};\n` +
      "  `grep ^API_KEY= .env` shows it): the dashboard's Settings page and the API's X-API-KEY header ask for it.",
  );
}

/** Whether the project-local PostgreSQL and Redis of ensure-services.sh (under .data/) are running. */
function localServicesRunning() {
  const data = path.join(root, '.data');
  const alive = (pidFile, name) => {
    try {
      const pid = readFileSync(pidFile, 'utf8').split('\n')[0].trim();
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith(name);
    } catch {
      return false;
    }
  };
  return {
    postgres: alive(path.join(data, 'postgres', 'postmaster.pid'), 'postgres'),
    redis: alive(path.join(data, 'redis.pid'), 'redis-server'),
  };
}
