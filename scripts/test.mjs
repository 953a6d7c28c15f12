// `npm test`: bootstrap, build every workspace (the end-to-end tests run the
// built processes as a user would), then the whole Vitest suite. Extra
// arguments go to Vitest: `npm test -- packages/core`.
import { spawnSync } from 'node:child_process';
import { bootstrap, exitOnStepFailure, root, run } from './bootstrap.mjs';

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
