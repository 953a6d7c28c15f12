import { spawn } from 'node:child_process';
import path from 'node:path';
import { resolveBinary } from 'dbmate';
import { withDefaultSslMode } from './database';

/** db/migrations at the repository root: the one place migrations live. */
export const migrationsDir = path.resolve(__dirname, '..', '..', '..', 'db', 'migrations');

/**
 * Creates the database named by the URL when it is missing, then applies every
 * pending migration (DBMate `up`). Resolves with DBMate's output; rejects with it.
 */
export function migrate(databaseUrl: string, dir = migrationsDir): Promise<string> {
  const args = [
    '--url',
    withDefaultSslMode(databaseUrl),
    '--migrations-dir',
    dir,
    '--no-dump-schema',
    '--wait',
    '--wait-timeout',
    '30s',
    'up',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(resolveBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`dbmate up failed (exit ${code}): ${output.trim()}`)),
    );
  });
}
