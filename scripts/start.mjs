// `npm start`: the whole system on this machine, from a fresh clone. Installs
// dependencies and creates .env when missing, makes sure PostgreSQL and Redis
// answer, builds, migrates, then runs every service with prefixed, coloured
// logs. Ctrl-C stops them all (scripts/run-services.mjs), and the project-local
// PostgreSQL and Redis too when this run started them.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { bootstrap, exitOnStepFailure, root, run } from './bootstrap.mjs';
import { runServices } from './run-services.mjs';

// config: environment over .env, ports included
const { startedLocal, config } = await bootstrap().catch(exitOnStepFailure);
const busy = await busyPorts([
  ['API_PORT', config.apiPort],
  ['WEB_PORT', config.webPort],
  ['DUMMY_WEBHOOK_PORT', config.dummyWebhookPort],
]);
if (busy.length > 0) {
  for (const line of busy) console.error(line);
  console.error('Stop what holds it (another `npm start`?), or set another port in .env.');
  stopLocalServices();
  process.exit(1);
}
try {
  run('npm', ['run', 'build', '--silent']);
  run(process.execPath, ['packages/db/dist/migrate-cli.js']);
} catch (error) {
  stopLocalServices();
  exitOnStepFailure(error);
}

const node = process.execPath;
const services = [
  { name: 'api', entry: 'apps/api/dist/main.js', colour: 'cyan' },
  {
    // vite.config.ts reads WEB_PORT and API_PORT (the /api and /health proxy) through packages/config.
    name: 'web',
    entry: 'apps/web/dist/index.html',
    command: [node, path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview'],
    cwd: path.join(root, 'apps', 'web'),
    colour: 'magenta',
  },
  {
    name: 'publisher',
    entry: 'apps/cli/dist/main.js',
    args: ['apps/cli/bin/scheduler.js', 'publisher'],
    colour: 'green',
  },
  {
    name: 'worker',
    entry: 'apps/cli/dist/main.js',
    args: ['apps/cli/bin/scheduler.js', 'worker'],
    colour: 'yellow',
  },
  { name: 'dummy', entry: 'apps/dummy-webhook/dist/main.js', colour: 'blue' },
]
  .filter((service) => existsSync(path.join(root, service.entry)))
  .map((service) => ({
    command: service.command ?? [node, ...(service.args ?? [service.entry])],
    cwd: service.cwd ?? root,
    ...service,
  }));

const names = services.map((s) => s.name);
console.log(`\nStarting ${names.join(', ')}. Press Ctrl-C to stop everything.`);
if (names.includes('web')) console.log(`  dashboard     http://localhost:${config.webPort}`);
if (names.includes('api')) console.log(`  API docs      http://localhost:${config.apiPort}/api/docs`);
if (names.includes('api')) console.log('  API key       the API_KEY line of .env (`grep ^API_KEY= .env`)');
console.log(`  dummy webhook http://127.0.0.1:${config.dummyWebhookPort}/webhook\n`);

const exitCode = await runServices(services);
stopLocalServices();
process.exit(exitCode);

/** Stops the project-local PostgreSQL and Redis, if this run started them. */
function stopLocalServices() {
  if (startedLocal.length === 0) return;
  console.log(
    `Stopping the project-local ${startedLocal.join(' and ')} this run started (data kept in .data/).`,
  );
  run('bash', [path.join(root, 'scripts', 'stop-local-services.sh')]);
}

/** The ports `npm start` needs that something else holds, each naming the variable that sets it. */
async function busyPorts(ports) {
  const busy = [];
  for (const [name, port] of ports) {
    const problem = await new Promise((resolve) => {
      const probe = net.createServer();
      probe.once('error', (error) => resolve(error.code === 'EADDRINUSE' ? 'is in use' : error.message));
      probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(undefined)));
    });
    if (problem) busy.push(`port ${port} (${name}) ${problem}`);
  }
  return busy;
}
