// SPEC §13 catch_up, measured: 1,000 minutely tasks per policy (latest, none, all),
// each policy aimed at a destination of its own with a stored limit, and a publisher
// outage of OUTAGE_S seconds. Prints the runs each policy made for the instants missed,
// and the peak delivery rate each destination saw during the catch-up beside its limit.
//
//   npm run build && node bench/catch-up.mjs [--tasks 1000] [--outage-s 120]
//
// Owns its resources like bench/run.mjs (its own database and Redis database).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { insertTasks, schedulerBin } from './lib/product.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { acquireResources } from './lib/resources.mjs';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000' },
    'outage-s': { type: 'string', default: '120' },
  },
});
const TASKS = Number(values.tasks);
const OUTAGE_MS = Number(values['outage-s']) * 1000;
const POLICIES = ['latest', 'none', 'all'];
/** The stored limit of each destination: at most RATE requests a second, CONCURRENCY in flight. */
const RATE = 100;
const CONCURRENCY = 16;

const log = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

function start(role, args, env, logDir) {
  const fd = openSync(path.join(logDir, `${role}.log`), 'a');
  const child = spawn(process.execPath, [schedulerBin, ...args], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const resources = await acquireResources();
const client = new pg.Client({ connectionString: resources.dbUrl });
await client.connect();
const receivers = Object.fromEntries(
  await Promise.all(POLICIES.map(async (p) => [p, await startReceiver()])),
);
const logDir = mkdtempSync(path.join(os.tmpdir(), 'catch-up-'));
const processes = [];
try {
  const ids = {};
  const nextMinute = new Date(Math.ceil((Date.now() + 1000) / 60_000) * 60_000);
  for (const policy of POLICIES) {
    const url = receivers[policy].url;
    await client.query(
      `INSERT INTO destinations (key, max_concurrency, rate_limit_max, rate_limit_per_seconds) VALUES ($1, $2, $3, 1)`,
      [new URL(url).origin, CONCURRENCY, RATE],
    );
    ids[policy] = await insertTasks(client, {
      name: `catch-up-${policy}`,
      count: TASKS,
      schedule: '* * * * *',
      url,
      nextRunAt: nextMinute,
    });
    await client.query(`UPDATE tasks SET catch_up = $1 WHERE task_name LIKE $2`, [
      policy,
      `catch-up-${policy}-%`,
    ]);
  }
  const env = { ...process.env, ...resources.productEnv(), WORKER_CONCURRENCY: '64' };
  processes.push(start('worker', ['worker', '--concurrency', '64'], env, logDir));
  let publisher = start('publisher', ['publisher'], env, logDir);
  log(
    `${TASKS} minutely tasks per policy; first due ${nextMinute.toISOString()}; waiting for it to be delivered`,
  );
  const firstRound = async () => {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM task_runs WHERE status = 'finish' AND scheduled_for = $1`,
      [nextMinute],
    );
    return rows[0].n;
  };
  while ((await firstRound()) < TASKS * POLICIES.length) await sleep(500);
  await publisher.stop();
  const outageFrom = Date.now();
  log(`every publisher stopped for ${OUTAGE_MS / 1000} s`);
  await sleep(OUTAGE_MS);
  publisher = start('publisher', ['publisher'], env, logDir);
  processes.push(publisher);
  const restartedAt = Date.now();
  log('a publisher started again');

  // Runs made for instants after the first round, until every task is back to a future instant.
  const missed = async () => {
    const { rows } = await client.query(
      `SELECT t.catch_up AS policy, count(r.id)::int AS runs, count(*) FILTER (WHERE r.status = 'finish')::int AS finished,
              count(DISTINCT r.scheduled_for)::int AS instants,
              min(r.scheduled_for) AS first_instant, max(r.scheduled_for) AS last_instant
       FROM tasks t JOIN task_runs r ON r.task_id = t.id
       WHERE r.scheduled_for > $1 AND r.scheduled_for <= $2
       GROUP BY t.catch_up`,
      [nextMinute, new Date(restartedAt)],
    );
    return Object.fromEntries(rows.map((row) => [row.policy, row]));
  };
  const settleBy = Date.now() + 180_000;
  let counts = await missed();
  for (;;) {
    // Settled once no task still owes a missed instant (its next due instant is after the
    // restart) and none has a run in flight for one: `all` makes its runs back to back, so
    // between two of them no run is in flight although the task is not done.
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM tasks WHERE enabled AND next_run_at <= $1)::int
            + (SELECT count(*) FROM task_runs WHERE finished_at IS NULL AND scheduled_for <= $1)::int AS n`,
      [new Date(restartedAt)],
    );
    counts = await missed();
    if (rows[0].n === 0 && Date.now() - restartedAt > 10_000) break;
    if (Date.now() > settleBy) {
      log('gave up waiting for the catch-up to settle');
      break;
    }
    await sleep(1000);
  }
  const instantsMissed = Math.floor(restartedAt / 60_000) - Math.floor(outageFrom / 60_000);
  console.log(
    `\ncatch_up after a ${OUTAGE_MS / 1000} s publisher outage (${instantsMissed} minute instants passed):`,
  );
  console.log('policy  runs made  finished  distinct instants  peak deliveries/s (limit)  catch-up duration');
  const summary = {};
  for (const policy of POLICIES) {
    // Arrivals per whole second after the restart, at this policy's destination.
    const bins = new Map();
    let last = 0;
    for (const id of ids[policy]) {
      for (const at of receivers[policy].arrivalsOf(id)) {
        if (at < restartedAt) continue;
        const second = Math.floor(at / 1000);
        bins.set(second, (bins.get(second) ?? 0) + 1);
        last = Math.max(last, at);
      }
    }
    const peak = Math.max(0, ...bins.values());
    const row = counts[policy] ?? { runs: 0, finished: 0, instants: 0 };
    const duration = last ? `${((last - restartedAt) / 1000).toFixed(1)} s` : '-';
    summary[policy] = {
      runs: row.runs,
      finished: row.finished,
      instants: row.instants,
      peak_per_s: peak,
      limit_per_s: RATE,
    };
    console.log(
      `${policy.padEnd(7)} ${String(row.runs).padStart(9)} ${String(row.finished).padStart(9)} ${String(row.instants).padStart(18)} ${`${peak} (${RATE})`.padStart(26)}  ${duration}`,
    );
  }
  console.log(
    JSON.stringify({ tasks: TASKS, outage_s: OUTAGE_MS / 1000, instants_missed: instantsMissed, summary }),
  );
} finally {
  for (const p of processes) await p.stop().catch(() => undefined);
  await Promise.all(Object.values(receivers).map((r) => r.close()));
  await client.end();
  await resources.release();
}
