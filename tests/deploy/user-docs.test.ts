import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@scheduler/config';
import { describe, expect, it } from 'vitest';

/**
 * What a newcomer reads first: the README and the guides in docs/. They speak
 * the user's words (not the planning documents' "seed 000"), and the
 * Quickstart answers what a fresh install shows them.
 */
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const userDocs = [
  'README.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The README's section under this `##` heading, up to the next one. */
function section(heading: string): string {
  const readme = read('README.md');
  const start = readme.indexOf(`## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('the user documentation', () => {
  it.each(userDocs)('%s names no planning document (seed 000…)', (file) => {
    expect(read(file)).not.toMatch(/\bseeds? ?\d{3}/i);
  });

  it('says in the Quickstart that the browser tests need Debian’s chromium', () => {
    const quickstart = section('Quickstart');
    expect(quickstart).toContain('apt-get install chromium');
    expect(quickstart).toContain('CHROMIUM_PATH');
  });

  it('explains the npm warn install-scripts line, and every install script has a decision', () => {
    expect(section('Quickstart')).toContain('npm warn install-scripts');
    // npm 11 warns about a dependency with an install script that allowScripts does not decide.
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { hasInstallScript?: boolean; name?: string }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([where, entry]) => entry.name ?? where.replace(/^.*node_modules\//, ''));
    const { allowScripts = {} } = JSON.parse(read('package.json')) as {
      allowScripts?: Record<string, boolean>;
    };
    expect(withScripts.filter((name) => !(name in allowScripts))).toEqual([]);
    for (const name of Object.keys(allowScripts)) expect(section('Quickstart')).toContain(`\`${name}\``);
  });
});
