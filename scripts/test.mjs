// `npm test`: bootstrap, build every workspace (the end-to-end tests run the
// built processes as a user would), then the whole Vitest suite. Extra
// arguments go to Vitest: `npm test -- packages/core`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bootstrap, exitOnStepFailure, root, run } from './bootstrap.mjs';

// The dashboard's browser tests drive Debian's Chromium: say so now, not after the other tests.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.argv.length === 2 && !existsSync(chromium)) {
  console.warn(
    `${chromium} is missing: the dashboard's browser tests will fail. ` +
      "Install Debian's chromium (sudo apt-get install chromium), or set CHROMIUM_PATH.",
  );
}

try {
  await bootstrap();
  run('npm', ['run', 'build', '--silent']);
} catch (error) {
  exitOnStepFailure(error);
}
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(vitest.status ?? 1);
