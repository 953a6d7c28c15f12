// `npm run bench:api`: requests per second and p99 latency of GET /api/tasks/:id and
// POST /api/tasks, the API (the built product, as `npm run api` runs it) beside a bare
// Fastify handler running the same SQL (bare-server.mjs), in the same run, against
// the same database. Targets: the API at ≥ 0.75× the bare handler for GET, ≥ 0.6× for POST.
//
//   npm run bench:api [-- --duration 10 --connections 50 --profile <dir>]
//
// The two run in alternating 2 s slices (after a warm-up), so a machine whose load
// changes during the run weighs on both alike; each server's own CPU time per request
// is printed too, a figure a busy machine hardly moves.
//
// Uses a database and Redis key prefix of its own, dropped at the end.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const { loadConfigOrExit, readEnvFile } = await import('../../../packages/config/dist/index.js');
const { AttemptRepository, TaskRepository, createDatabase, migrate, withDefaultSslMode } =
  await import('../../../packages/db/dist/index.js');
const { TaskService } = await import('../../../packages/services/dist/index.js');
const { createRedisConnection } = await import('../../../packages/queue/dist/index.js');

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    // A folder: both servers run with --cpu-prof and write their profiles there.
    profile: { type: 'string' },
  },
});
const duration = Number(args.duration);
const SLICE_SECONDS = 2;
const connections = Number(args.connections);
const config = loadConfigOrExit();
const apiKey = config.apiKey;

const dbName = `scheduler_bench_api_${process.pid}`;
const dbUrl = new URL(withDefaultSslMode(config.databaseUrl));
dbUrl.pathname = `/${dbName}`;
const adminUrl = new URL(dbUrl);
adminUrl.pathname = '/postgres';
const prefix = `bench-api-${process.pid}`;

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server and resolves once it answers HTTP on `port` (whatever it logs). */
async function start(name, script, env, port) {
  const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
  const child = spawn(process.execPath, [...profiling, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', () => undefined);
  child.stderr.on('data', (chunk) => (output += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && !exited;) {
    const answered = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (answered) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output}`);
}

/** CPU seconds a process has used so far (Linux), or NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
  } catch {
    return Number.NaN;
  }
}

async function measure(url, request, seconds, pid) {
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    ...request,
    headers: { 'x-api-key': apiKey, ...request.headers },
  });
  return {
    requests: result.requests.total,
    seconds,
    cpu: cpuSeconds(pid) - cpuBefore,
    latencies: result.latency,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The two servers in alternating slices, so a machine that gets busier or quieter
 * during the run weighs on both alike; requests/s over all slices, p99 the median
 * of the slices' p99s.
 */
async function compare(apiUrl, bareUrl, request, pids) {
  const slices = Math.max(1, Math.round(duration / SLICE_SECONDS));
  const runs = { api: [], bare: [] };
  for (let i = 0; i < slices; i++) {
    const order = i % 2 === 0 ? ['api', 'bare'] : ['bare', 'api'];
    for (const which of order) {
      runs[which].push(
        await measure(which === 'api' ? apiUrl : bareUrl, request, SLICE_SECONDS, pids[which]),
      );
    }
  }
  const sum = (list, key) => list.reduce((total, run) => total + run[key], 0);
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = (list) => ({
    rps: sum(list, 'requests') / sum(list, 'seconds'),
    p99: median(list.map((run) => run.latencies.p99)),
    // The server process's own CPU per request: a figure the machine's load hardly moves.
    cpuMs: (sum(list, 'cpu') * 1000) / sum(list, 'requests'),
    errors: sum(list, 'errors'),
  });
  return { api: summary(runs.api), bare: summary(runs.bare) };
}

// Setup: a migrated database of the run's own.
await migrate(dbUrl.toString());
const db = createDatabase(dbUrl.toString(), { max: 2 });
const tasks = new TaskRepository(db);
const attempts = new AttemptRepository(db);
const service = new TaskService({ tasks, attempts, queue: undefined, retryBackoffMs: 1000 });
const body = {
  task_name: 'bench',
  task_schedule: '*/5 * * * *',
  webhook_url: 'http://127.0.0.1:9/webhook',
  json_payload: { content: 'benchmark payload', embeds: [{ title: 'x', description: 'y'.repeat(200) }] },
  timezone: 'Europe/Paris',
};
/** The task the GET reads: created like any other, with 20 finished attempts. */
async function seedTask() {
  const task = await service.create(body);
  for (let i = 0; i < 20; i++) {
    const attempt = await attempts.insertAttempt({
      taskId: task.id,
      scheduledFor: new Date(Date.UTC(2025, 0, 1, i)),
      retryCount: 0,
    });
    await attempts.finishAttempt(
      {
        attemptId: attempt.id,
        status: 'finish',
        executionTime: 100 + i,
        httpStatus: 200,
        message: 'HTTP 200 ok',
      },
      { kind: 'continues' },
    );
  }
  return task;
}

const [apiPort, barePort] = [await freePort(), await freePort()];
// As everywhere: the real environment wins over .env, which wins over .env.example.
const env = {
  ...readEnvFile(path.join(root, '.env.example')),
  ...readEnvFile(path.join(root, '.env')),
  ...process.env,
  DATABASE_URL: dbUrl.toString(),
  REDIS_PREFIX: prefix,
  API_PORT: String(apiPort),
  BARE_PORT: String(barePort),
  // Counted in Redis as always, but high enough never to refuse the benchmark's load.
  API_RATE_LIMIT: '1000000000',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
};
const servers = [];

const rows = [];
try {
  const seeded = await seedTask();
  const scenarios = [
    { name: `GET /api/tasks/:id`, request: { path: `/api/tasks/${seeded.id}` }, target: 0.75 },
    {
      name: 'POST /api/tasks',
      request: {
        path: '/api/tasks',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      target: 0.6,
    },
  ];
  servers.push(await start('api', path.join(root, 'apps/api/dist/main.js'), env, apiPort));
  servers.push(await start('bare', path.join(here, 'bare-server.mjs'), env, barePort));
  for (const { name, request, target } of scenarios) {
    const apiUrl = `http://127.0.0.1:${apiPort}${request.path}`;
    const bareUrl = `http://127.0.0.1:${barePort}${request.path}`;
    await measure(apiUrl, request, 2); // warm-up: JIT, pools, caches
    await measure(bareUrl, request, 2);
    const { api, bare } = await compare(apiUrl, bareUrl, request, {
      api: servers[0].pid,
      bare: servers[1].pid,
    });
    rows.push({ name, api, bare, ratio: api.rps / bare.rps, target });
  }
} finally {
  await Promise.all(
    servers.map((server) =>
      server.exitCode === null
        ? new Promise((resolve) => server.once('exit', resolve).kill('SIGTERM'))
        : null,
    ),
  );
  await db.destroy();
  const redis = createRedisConnection(config.redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}

const pad = (text, width) => String(text).padEnd(width);
const fixed = (n, digits = 0) => n.toFixed(digits);
console.log(
  `\n${connections} connections, ${duration} s per server and route in alternating ${SLICE_SECONDS} s slices; ` +
    `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs\n`,
);
console.log(
  `${pad('route', 22)}${pad('API req/s', 12)}${pad('API p99', 10)}${pad('bare req/s', 12)}${pad('bare p99', 10)}${pad('ratio', 8)}target`,
);
for (const row of rows) {
  const verdict = row.ratio >= row.target ? 'met' : 'MISSED';
  console.log(
    `${pad(row.name, 22)}${pad(fixed(row.api.rps), 12)}${pad(`${row.api.p99} ms`, 10)}${pad(fixed(row.bare.rps), 12)}` +
      `${pad(`${row.bare.p99} ms`, 10)}${pad(`${fixed(row.ratio, 2)}×`, 8)}≥ ${row.target}× ${verdict}`,
  );
  if (row.api.errors + row.bare.errors > 0)
    console.log(`  errors: API ${row.api.errors}, bare ${row.bare.errors}`);
}
console.log('\nserver CPU per request (the process itself, not PostgreSQL or Redis):');
for (const row of rows) {
  console.log(
    `${pad(row.name, 22)}API ${fixed(row.api.cpuMs, 3)} ms   bare ${fixed(row.bare.cpuMs, 3)} ms   ` +
      `(bare/API ${fixed(row.bare.cpuMs / row.api.cpuMs, 2)}×)`,
  );
}
process.exit(rows.every((row) => row.ratio >= row.target && row.api.errors === 0) ? 0 : 1);
