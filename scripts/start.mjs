// `npm start`: the whole system on this machine, from a fresh clone. Installs
// dependencies and creates .env when missing, makes sure PostgreSQL and Redis
// answer, builds, migrates, then runs every service with prefixed, coloured
// logs. Ctrl-C stops them all.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bootstrap, root, run } from './bootstrap.mjs';

bootstrap();
run('npm', ['run', 'build', '--silent']);
run(process.execPath, ['packages/db/dist/migrate-cli.js']);

const { default: concurrently } = await import('concurrently');
const { loadConfigOrExit } = await import('../packages/config/dist/index.js');
const config = loadConfigOrExit();

// `exec` so each service is the shell's own process and gets Ctrl-C's signal itself.
const node = `exec ${JSON.stringify(process.execPath)}`;
const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const services = [
  {
    name: 'api',
    entry: 'apps/api/dist/main.js',
    command: `${node} apps/api/dist/main.js`,
    prefixColor: 'cyan',
  },
  {
    name: 'web',
    entry: 'apps/web/dist/index.html',
    command: `cd apps/web && ${node} ${JSON.stringify(vite)} preview`,
    prefixColor: 'magenta',
  },
  {
    name: 'publisher',
    entry: 'apps/cli/dist/main.js',
    command: `${node} apps/cli/bin/scheduler.js publisher`,
    prefixColor: 'green',
  },
  {
    name: 'worker',
    entry: 'apps/cli/dist/main.js',
    command: `${node} apps/cli/bin/scheduler.js worker`,
    prefixColor: 'yellow',
  },
  {
    name: 'dummy',
    entry: 'apps/dummy-webhook/dist/main.js',
    command: `${node} apps/dummy-webhook/dist/main.js`,
    prefixColor: 'blue',
  },
].filter((service) => existsSync(path.join(root, service.entry)));

const names = services.map((s) => s.name);
console.log(`\nStarting ${names.join(', ')}. Press Ctrl-C to stop everything.`);
if (names.includes('web')) console.log(`  dashboard     http://localhost:${config.webPort}`);
if (names.includes('api')) console.log(`  API docs      http://localhost:${config.apiPort}/api/docs`);
console.log(`  dummy webhook http://127.0.0.1:${config.dummyWebhookPort}/webhook\n`);

const { result } = concurrently(
  services.map(({ name, command, prefixColor }) => ({
    name,
    command,
    prefixColor,
    env: { FORCE_COLOR: '1' },
  })),
  {
    cwd: root,
    prefix: 'name',
    padPrefix: true,
    killOthersOn: ['failure'],
    killSignal: 'SIGTERM',
    killTimeout: 15_000,
  },
);
result.then(
  () => process.exit(0),
  (events) => {
    // Ctrl-C ends every process with a signal; anything else is a real failure.
    const failed = events.filter(
      (e) => e.exitCode !== 0 && e.exitCode !== 'SIGINT' && e.exitCode !== 'SIGTERM' && e.exitCode !== 130,
    );
    process.exit(failed.length > 0 ? 1 : 0);
  },
);
