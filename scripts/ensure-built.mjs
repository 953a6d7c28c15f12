// Builds the workspaces when any of the named ones has no dist/ yet, and creates
// .env from .env.example when there is none, so a root script works on a fresh
// clone after `npm ci` without a separate step.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEnvFile, root } from './bootstrap.mjs';

const all = [
  'packages/config',
  'packages/core',
  'packages/db',
  'packages/queue',
  'packages/services',
  'apps/cli',
  'apps/dummy-webhook',
  'apps/api',
];

export function ensureBuilt(workspaces = all) {
  if (workspaces.every((dir) => existsSync(path.join(root, dir, 'dist')))) return;
  console.log('Building the workspaces (first run)...');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureEnvFile();
  ensureBuilt();
}
