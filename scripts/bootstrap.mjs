// What `npm start` and `npm test` do first on any machine, fresh clone included:
// install dependencies when missing, create .env from .env.example when missing,
// and make sure PostgreSQL and Redis answer at the .env URLs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, args, options = {}) {
  execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });
}

/**
 * Returns `startedLocal`: which of PostgreSQL and Redis ensure-services.sh started
 * under .data/ in this run (not those that already answered), so `npm start` can
 * stop them again when it stops.
 */
export function bootstrap() {
  if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    console.log('Installing dependencies (npm ci)...');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  ensureEnvFile();
  const before = localServicesRunning();
  run('bash', [path.join(root, 'scripts', 'ensure-services.sh')]);
  const after = localServicesRunning();
  const startedLocal = ['postgres', 'redis'].filter((name) => after[name] && !before[name]);
  return { startedLocal };
}

/** Creates .env from .env.example when there is none (a fresh clone). */
export function ensureEnvFile() {
  if (existsSync(path.join(root, '.env'))) return;
  copyFileSync(path.join(root, '.env.example'), path.join(root, '.env'));
  console.log('Created .env from .env.example.');
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
