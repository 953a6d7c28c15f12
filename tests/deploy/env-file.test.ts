import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEnvFile, repoRoot } from '@scheduler/config';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The .env that `npm start` (and `npm test`) create on a fresh clone, through
 * scripts/bootstrap.mjs's ensureEnvFile, run in a scratch copy of the scripts and
 * .env.example so the repository's own .env is never touched.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchClone(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scheduler-env-file-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'scripts'));
  copyFileSync(path.join(repoRoot, 'scripts/bootstrap.mjs'), path.join(dir, 'scripts/bootstrap.mjs'));
  copyFileSync(path.join(repoRoot, '.env.example'), path.join(dir, '.env.example'));
  return dir;
}

/** Runs ensureEnvFile in the clone and returns what it printed. */
function ensureEnvFile(dir: string): string {
  const script = "const { ensureEnvFile } = await import('./scripts/bootstrap.mjs'); ensureEnvFile();";
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
  });
}

describe('the .env a fresh clone gets', () => {
  const example = readEnvFile(path.join(repoRoot, '.env.example'));

  it('has a random API_KEY and POSTGRES_PASSWORD instead of the public examples, the rest as .env.example', () => {
    const [first, second] = [scratchClone(), scratchClone()];

    const printed = ensureEnvFile(first);
    ensureEnvFile(second);

    const env = readEnvFile(path.join(first, '.env'));
    const other = readEnvFile(path.join(second, '.env'));
    for (const name of ['API_KEY', 'POSTGRES_PASSWORD']) {
      expect(env[name], name).toMatch(/^[0-9a-f]{48}$/);
      expect(env[name], name).not.toBe(example[name]);
      expect(other[name], `${name} differs between two installs`).not.toBe(env[name]);
    }
    const { API_KEY: _key, POSTGRES_PASSWORD: _password, ...rest } = env;
    const { API_KEY: _exampleKey, POSTGRES_PASSWORD: _examplePassword, ...exampleRest } = example;
    expect(rest).toEqual(exampleRest);
    // Only its owner may read a file holding the key.
    expect(statSync(path.join(first, '.env')).mode & 0o077).toBe(0);
    // Where to find the key, never the key itself.
    expect(printed).toContain(`the API_KEY line of ${path.join(first, '.env')}`);
    expect(printed).not.toContain(env.API_KEY);
  });

  it('leaves an existing .env as it is', () => {
    const dir = scratchClone();
    writeFileSync(path.join(dir, '.env'), 'API_KEY=my-own-key-0123456789\n');

    expect(ensureEnvFile(dir)).toBe('');
    expect(readFileSync(path.join(dir, '.env'), 'utf8')).toBe('API_KEY=my-own-key-0123456789\n');
  });
});
