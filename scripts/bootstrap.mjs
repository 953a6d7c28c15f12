// What `npm start` and `npm test` do first on any machine, fresh clone included:
// install dependencies when missing, create .env from .env.example when missing,
// and make sure PostgreSQL and Redis answer at the .env URLs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, args, options = {}) {
  execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });
}

export function bootstrap() {
  if (!existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
    console.log('Installing dependencies (npm ci)...');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  if (!existsSync(path.join(root, '.env'))) {
    copyFileSync(path.join(root, '.env.example'), path.join(root, '.env'));
    console.log('Created .env from .env.example.');
  }
  run('bash', [path.join(root, 'scripts', 'ensure-services.sh')]);
}
