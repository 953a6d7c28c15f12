// Firing lateness: due instant → arrival at the receiver, through the real
// publisher and worker processes. Two scenarios, one run:
//   single: one every-second task, over N fires (default 65);
//   burst:  B tasks (default 1000) all due in the same second.
// Runs on a database and Redis prefix of its own, so it can run beside anything.
// Usage: npm run bench:lateness [-- --fires 65 --burst 1000]
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadConfigOrExit, readEnvFile } = await import('../packages/config/dist/index.js');
const { migrate, withDefaultSslMode } = await import('../packages/db/dist/index.js');

const { values: args } = parseArgs({
  options: { fires: { type: 'string', default: '65' }, burst: { type: 'string', default: '1000' } },
});
const fires = Number(args.fires);
const burstSize = Number(args.burst);
const config = loadConfigOrExit();

const dbName = `scheduler_bench_${process.pid}`;
const dbUrl = new URL(withDefaultSslMode(config.databaseUrl));
dbUrl.pathname = `/${dbName}`;
const adminUrl = new URL(dbUrl);
adminUrl.pathname = '/postgres';
const prefix = `bench-${process.pid}`;

// The receiver: a bare node:http server that timestamps every arrival.
const arrivals = new Map(); // task id → arrival times (ms, fractional)
const receiver = http.createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const { id } = JSON.parse(body);
    if (!arrivals.has(id)) arrivals.set(id, []);
    arrivals.get(id).push(at);
    res.end('ok');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await migrate(dbUrl.toString());
const db = new pg.Client({ connectionString: dbUrl.toString() });
await db.connect();

const env = {
  ...process.env,
  ...readEnvFile(path.join(root, '.env.example')),
  ...readEnvFile(path.join(root, '.env')),
  DATABASE_URL: dbUrl.toString(),
  REDIS_PREFIX: prefix,
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
};
const start = (args) =>
  spawn(process.execPath, [path.join(root, 'apps/cli/bin/scheduler.js'), ...args], { env, stdio: 'ignore' });
const processes = [start(['publisher']), start(['worker'])];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(1500);

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (latenesses) => {
  const sorted = [...latenesses].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 10) / 10;
  return {
    n: sorted.length,
    p50_ms: round(pct(sorted, 50)),
    p99_ms: round(pct(sorted, 99)),
    max_ms: round(sorted.at(-1)),
  };
};
// Pairs each arrival with its attempt's due instant (scheduled_for), in order.
async function latenessOf(taskIds) {
  const { rows } = await db.query(
    `SELECT task_id, scheduled_for FROM task_logs WHERE task_id = ANY($1) AND retry_count = 0 ORDER BY scheduled_for`,
    [taskIds],
  );
  const due = new Map();
  for (const row of rows) {
    if (!due.has(row.task_id)) due.set(row.task_id, []);
    due.get(row.task_id).push(row.scheduled_for.getTime());
  }
  const out = [];
  for (const id of taskIds) {
    const times = arrivals.get(id) ?? [];
    (due.get(id) ?? []).slice(0, times.length).forEach((d, i) => out.push(times[i] - d));
  }
  return out;
}

const insert = async (name, schedule, nextRunAt, count) => {
  const { rows } = await db.query(
    `INSERT INTO tasks (task_name, task_schedule, webhook_url, json_payload, max_retry, next_run_at)
     SELECT $1 || n, $2, $3, '{}'::jsonb, 0, $4 FROM generate_series(1, $5) n RETURNING id`,
    [name, schedule, hookUrl, nextRunAt, count],
  );
  await db.query(`UPDATE tasks SET json_payload = jsonb_build_object('id', id) WHERE id = ANY($1)`, [
    rows.map((r) => r.id),
  ]);
  return rows.map((r) => r.id);
};
const waitForArrivals = async (ids, perTask, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ids.every((id) => (arrivals.get(id)?.length ?? 0) >= perTask)) return;
    await sleep(100);
  }
};

try {
  // Single task, every second.
  console.log(`single: one every-second task, ${fires} fires...`);
  const [single] = await insert('single', '* * * * * *', null, 1);
  await waitForArrivals([single], fires, (fires + 15) * 1000);
  await db.query(`UPDATE tasks SET enabled = false WHERE id = $1`, [single]);
  const singleResult = summary((await latenessOf([single])).slice(0, fires));

  // Burst: all due in the same second, a few seconds ahead.
  await sleep(1500);
  const due = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
  console.log(`burst: ${burstSize} tasks due at ${due.toISOString()}...`);
  const burstIds = await insert('burst', '0 0 1 1 *', due, burstSize);
  await waitForArrivals(burstIds, 1, 120_000);
  const burstLateness = await latenessOf(burstIds);
  const burstResult = { ...summary(burstLateness), missed: burstSize - burstLateness.length };
  // Each burst task is due once: any second arrival is a duplicate.
  const duplicates = burstIds.reduce((n, id) => n + Math.max(0, (arrivals.get(id)?.length ?? 0) - 1), 0);

  console.log('\nfiring lateness (due instant → arrival), ms');
  console.table({ single: singleResult, [`burst of ${burstSize}`]: burstResult });
  console.log(JSON.stringify({ single: singleResult, burst: burstResult, duplicates }));
} finally {
  for (const child of processes) child.kill('SIGTERM');
  await Promise.all(processes.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  receiver.close();
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  const { createRedisConnection } = await import('../packages/queue/dist/index.js');
  const redis = createRedisConnection(config.redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
