// The product under test, as a user runs it: the built `scheduler publisher`
// and `scheduler worker` processes on the run's own database and Redis, JSON
// logs to a file. Plus the SQL the harness needs around it: bulk-inserting
// tasks (generate_series) and waiting until a due instant has fully settled.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuAccount } from './cpu.mjs';
import { CONTENT } from './payload.mjs';
import { startPgActivity } from './pg-activity.mjs';
import { burstOutcome } from './receiver.mjs';
import { root } from './resources.mjs';

export const schedulerBin = path.join(root, 'apps', 'cli', 'bin', 'scheduler.js');

/** A schedule that fires once a year: a burst task fires once, at the next_run_at it is inserted with. */
export const YEARLY = '0 0 1 1 *';

function startProcess(role, args, env, logFile, nodeArgs) {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, schedulerBin, ...args], {
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exit = null;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exit = code ?? signal;
      resolve(exit);
    }),
  );
  return {
    role,
    pid: child.pid ?? 0,
    logFile,
    exitCode: () => exit,
    tail: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''),
    async stop() {
      if (exit !== null) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Starts one publisher and one worker (at `concurrency` deliveries in flight)
 * and waits until a canary task due at once has been delivered and settled:
 * proof that both are up, whatever they log (their logs are buffered).
 */
export async function startProduct(resources, { concurrency, logDir, receiver, client, profileDir }) {
  if (!existsSync(path.join(root, 'apps', 'cli', 'dist', 'main.js'))) {
    throw new Error('apps/cli/dist is missing: run `npm run build` first.');
  }
  // The bench receiver has no limits: its destination admits as many requests as the worker
  // makes (flow control still runs — a slot taken and given back per delivery — but never waits).
  const env = {
    ...process.env,
    ...resources.productEnv(),
    WORKER_CONCURRENCY: String(concurrency),
    DESTINATION_MAX_CONCURRENCY: String(concurrency),
  };
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const publisher = startProcess(
    'publisher',
    ['publisher'],
    env,
    path.join(logDir, 'publisher.log'),
    nodeArgs,
  );
  const worker = startProcess(
    'worker',
    ['worker', '--concurrency', String(concurrency)],
    env,
    path.join(logDir, 'worker.log'),
    nodeArgs,
  );
  const product = {
    publisher,
    worker,
    pids: () => ({ publisher: publisher.pid, worker: worker.pid }),
    alive: () => publisher.exitCode() === null && worker.exitCode() === null,
    async stop() {
      return { publisher: await publisher.stop(), worker: await worker.stop() };
    },
  };
  const name = `canary-${process.pid}`;
  const due = new Date(Math.floor(Date.now() / 1000) * 1000);
  const [id] = await insertTasks(client, {
    name,
    count: 1,
    schedule: YEARLY,
    url: receiver.url,
    nextRunAt: due,
  });
  const deadline = Date.now() + 30_000;
  while (receiver.arrivalsOf(id).length === 0 || !(await settled(client, id))) {
    if (!product.alive() || Date.now() > deadline) {
      await product.stop();
      const why = product.alive() ? 'did not deliver a canary task within 30 s' : 'exited';
      throw new Error(
        `the product ${why}.\npublisher log:\n${publisher.tail()}\nworker log:\n${worker.tail()}`,
      );
    }
    await sleep(50);
  }
  return product;
}

async function settled(client, id) {
  const { rows } = await client.query(
    `SELECT t.task_status, (SELECT count(*)::int FROM task_logs l WHERE l.task_id = t.id AND l.status = 'finish') AS finished
     FROM tasks t WHERE t.id = $1`,
    [id],
  );
  return rows[0]?.task_status === 'ready' && rows[0].finished === 1;
}

/**
 * Inserts `count` tasks in one statement; each payload carries its own task id.
 * Returns their ids.
 */
export async function insertTasks(client, { name, count, schedule, url, nextRunAt, maxRetry = 3 }) {
  const { rows } = await client.query(
    `INSERT INTO tasks (id, task_name, task_schedule, webhook_url, json_payload, max_retry, next_run_at)
     SELECT u, $1 || '-' || n, $2, $3, jsonb_build_object('id', u::text, 'content', $4::text), $5, $6
     FROM (SELECT gen_random_uuid() AS u, n FROM generate_series(1, $7::int) AS n) AS s
     RETURNING id`,
    [name, schedule, url, CONTENT, maxRetry, nextRunAt, count],
  );
  return rows.map((r) => r.id);
}

/**
 * Waits until every one of `count` tasks named `name-*` due at `due` has its
 * attempt committed as `finish` and is back to `ready`. Resolves with when
 * that was seen (ms since epoch) and what the tables say. `onQuiet` runs once,
 * as soon as no task of the scenario is running any more and before the
 * verifying scans — so what it measures (CPU, PostgreSQL statistics) ends
 * with the product's work and excludes the harness's own checks.
 */
export async function waitSettled(
  client,
  { name, due, count, timeoutMs, everyMs = 25, onQuiet = async () => undefined },
) {
  const deadline = Date.now() + timeoutMs;
  let quiet;
  let quieted = false;
  const quietOnce = async () => {
    if (!quieted) {
      quieted = true;
      quiet = await onQuiet();
    }
    return quiet;
  };
  for (;;) {
    // Cheap: tasks_running_order_idx holds only the runs in flight.
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM tasks WHERE task_status = 'running' AND task_name LIKE $1`,
      [`${name}-%`],
    );
    const seenAt = Date.now();
    if (rows[0].n === 0) {
      await quietOnce();
      const logs = await settledCounts(client, name, due);
      if (logs.finish >= count && logs.not_ready === 0)
        return { settledAt: seenAt, ...logs, complete: true, quiet };
      await sleep(250); // the full check is a scan: not at the fast poll's rate
    }
    if (seenAt > deadline) {
      await quietOnce();
      return { settledAt: seenAt, ...(await settledCounts(client, name, due)), complete: false, quiet };
    }
    await sleep(everyMs);
  }
}

async function settledCounts(client, name, due) {
  const { rows } = await client.query(
    `SELECT
       (SELECT count(*)::int FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE l.scheduled_for = $2 AND l.status = 'finish' AND t.task_name LIKE $1) AS finish,
       (SELECT count(*)::int FROM task_logs l JOIN tasks t ON t.id = l.task_id
         WHERE l.scheduled_for = $2 AND l.status <> 'finish' AND t.task_name LIKE $1) AS other_attempts,
       (SELECT count(*)::int FROM tasks WHERE task_name LIKE $1 AND task_status <> 'ready') AS not_ready,
       (SELECT max(updated_at) FROM tasks WHERE task_name LIKE $1) AS last_update`,
    [`${name}-%`, due],
  );
  return rows[0];
}

/**
 * `n` tasks named `name-*` on a yearly schedule, all due at `due`, through the
 * running product: inserted, then waited for until every one has arrived
 * (within `arrivalTimeoutMs` of the due instant) and settled (within
 * `settleTimeoutMs`). CPU and PostgreSQL activity are measured from the due
 * instant until no run is left running; so is whatever `startMeasure()`
 * (called once the tasks are in) returns, through its `stop()`.
 */
export async function dueAtOnce({
  receiver,
  client,
  product,
  name,
  n,
  due,
  statsWaitMs,
  arrivalTimeoutMs,
  settleTimeoutMs,
  startMeasure = () => ({ stop: async () => undefined }),
}) {
  const ids = await insertTasks(client, {
    name,
    count: n,
    schedule: YEARLY,
    url: receiver.url,
    nextRunAt: due,
  });
  await client.query('ANALYZE tasks');
  const setupOverran = Date.now() > due.getTime() - 200;
  const group = receiver.track(ids);
  const measure = startMeasure();
  const activity = await startPgActivity(client);
  await sleep(Math.max(0, due.getTime() - Date.now()));
  const cpu = startCpuAccount(product.pids());
  await receiver.waitForGroup(group, due.getTime() + arrivalTimeoutMs - Date.now());
  let cpuUse;
  let measured;
  const settled = await waitSettled(client, {
    name,
    due,
    count: n,
    timeoutMs: settleTimeoutMs,
    onQuiet: async () => {
      cpuUse = cpu.stop();
      measured = await measure.stop();
      return activity.stop(n, statsWaitMs);
    },
  });
  return {
    ids,
    group,
    settled,
    setupOverran,
    outcome: burstOutcome(receiver, ids, due),
    cpu: cpuUse,
    measured,
    database: settled.quiet,
  };
}
