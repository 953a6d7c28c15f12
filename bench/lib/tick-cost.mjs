// Publisher cost per tick (issue 6, item 4): the product's own Publisher.tick(),
// in-process, with a pinned `now`, against a real database (of its own) and a
// real queue, at growing table sizes and 0 / 100 / 10,000 due. Plus EXPLAIN
// (ANALYZE, BUFFERS) of the exact claim query the repository sends, captured
// from Kysely's query log, to show it walks tasks_due_idx instead of scanning.
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { redisUsedMemory, tableSizes, taskIndexSizes } from './memory.mjs';
import { CONTENT } from './payload.mjs';
import { YEARLY } from './product.mjs';
import { median, round } from './stats.mjs';

const { Publisher } = await import('../../packages/engine/dist/publisher.js');
const { DependencyRepository, RunRepository, TaskRepository, createDatabase } =
  await import('../../packages/db/dist/index.js');
const { createDeliveryQueue, createRedisConnection } = await import('../../packages/queue/dist/index.js');

const HOUR = 3_600_000;
// The pinned clock: far enough ahead that no real clock reaches it during the run.
const T0 = Date.UTC(2031, 0, 15, 12, 0, 0);

/** The claim as SPEC §5 words it; used only if the repository's own query could not be captured. */
const FALLBACK_CLAIM = `SELECT * FROM tasks WHERE task_status = 'ready' AND enabled = true AND next_run_at <= $1
  ORDER BY next_run_at LIMIT $2 FOR UPDATE SKIP LOCKED`;

function isClaimQuery(text) {
  return /skip locked/i.test(text) && /next_run_at"?\s*<=/i.test(text);
}

async function grow(client, from, to) {
  const chunk = 250_000;
  for (let start = from + 1; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    // Not due for an hour to a year: spread over the index like a real table's schedules.
    await client.query(
      `INSERT INTO tasks (id, task_name, task_schedule, webhook_url, json_payload, max_retry, next_run_at)
       SELECT u, 'tick-' || n, $1, 'http://127.0.0.1:9/hook', jsonb_build_object('id', u::text, 'content', $2::text), 3,
              $3::timestamptz + interval '1 hour' + random() * interval '364 days'
       FROM (SELECT gen_random_uuid() AS u, n FROM generate_series($4::int, $5::int) AS n) AS s`,
      [YEARLY, CONTENT, new Date(T0), start, end],
    );
  }
  // What autovacuum would have done by the time a table this size is in use.
  await client.query('VACUUM ANALYZE tasks');
}

/** Makes `ids` due at `due` again (outside any timing) and empties the queue. */
async function makeDue(client, queue, ids, due) {
  if (ids.length > 0) {
    // Their runs go too: a task with a run in flight, or a due instant that had its run, is not run again.
    await client.query(`DELETE FROM task_runs WHERE task_id = ANY($1::uuid[])`, [ids]);
    await client.query(
      `UPDATE tasks SET task_status = 'ready', job_id = NULL, next_run_at = $2 WHERE id = ANY($1::uuid[])`,
      [ids, due],
    );
  }
  await queue.drain(true);
}

/** Every task back to ready and not due (runs claimed by earlier ticks included). */
async function settle(client) {
  await client.query('DELETE FROM task_runs');
  await client.query(
    `UPDATE tasks SET task_status = 'ready', job_id = NULL, next_run_at = $1::timestamptz + random() * interval '364 days'
     WHERE task_status <> 'ready' OR next_run_at < $1::timestamptz`,
    [new Date(T0 + HOUR)],
  );
}

async function explainClaim(client, claim) {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${claim.sql}`, claim.parameters);
    return rows.map((r) => r['QUERY PLAN']);
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * @param {object} ctx
 * @param {import('./resources.mjs').RunResources} ctx.resources
 * @param {number[]} ctx.sizes
 * @param {number[]} ctx.dues
 * @param {number} ctx.reps
 * @param {(line: string) => void} ctx.log
 */
export async function runTickCost({ resources, sizes, dues, reps, log }) {
  const url = await resources.extraDatabase('tick');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = createDatabase(url, { max: 10 });
  let captured;
  const logged = new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
    log(event) {
      if (event.level === 'query' && isClaimQuery(event.query.sql)) {
        captured ??= { sql: event.query.sql, parameters: [...event.query.parameters] };
      }
    },
  });
  const redis = createRedisConnection(resources.redisUrl);
  const queue = createDeliveryQueue(redis, resources.prefix('tick'));
  // The product logs one line per enqueued run at info; that cost is part of a tick.
  const logger = pino(
    { name: 'publisher', level: 'info' },
    pino.destination({ dest: '/dev/null', sync: false }),
  );
  let now = new Date(T0);
  const deps = {
    queue,
    logger,
    intervalMs: 1000,
    retryBackoffMs: 1000,
    now: () => now,
    runs: new RunRepository(db),
    dependencies: new DependencyRepository(db),
  };
  const timed = { claim: 0, enqueue: 0 };
  const publisher = new Publisher({
    ...deps,
    queue: withTiming(queue, ['addBulk'], timed, 'enqueue'),
    tasks: withTiming(new TaskRepository(db), ['claimDueTasks'], timed, 'claim'),
  });
  const capturing = new Publisher({ ...deps, tasks: new TaskRepository(logged) });
  const results = [];
  const explains = [];
  const sizesOut = [];
  let clock = 0;
  const nextNow = () => new Date(T0 + ++clock * 1000);
  let current = 0;
  try {
    for (const size of sizes) {
      const started = performance.now();
      await settle(client);
      await grow(client, current, size);
      current = size;
      log(
        `  ${size.toLocaleString('en-US')} tasks loaded in ${round((performance.now() - started) / 1000)} s`,
      );
      sizesOut.push({
        tasks: size,
        ...(await tableSizes(client)).tasks,
        indexes: await taskIndexSizes(client),
      });
      const maxDue = Math.max(...dues.filter((d) => d <= size));
      const { rows } = await client.query(`SELECT id FROM tasks ORDER BY id LIMIT $1`, [maxDue]);
      const pool = rows.map((r) => r.id);

      // The claim query, captured once from the repository, explained at every size.
      now = nextNow();
      await makeDue(client, queue, pool.slice(0, Math.min(100, size)), new Date(now.getTime() - 1000));
      await capturing.tick();
      const claim = captured ?? { sql: FALLBACK_CLAIM, parameters: [now, 1000] };
      const plans = {};
      for (const due of [0, 100]) {
        const at = new Date(claim.parameters.find((p) => p instanceof Date)?.getTime() ?? now.getTime());
        await makeDue(client, queue, pool.slice(0, due), new Date(at.getTime() - 1000));
        plans[due] = await explainClaim(client, claim);
      }
      await settle(client);
      const verdicts = [planVerdict(plans[0]), planVerdict(plans[100])];
      explains.push({
        tasks: size,
        captured: captured !== undefined,
        sql: claim.sql,
        plans,
        verdict: {
          uses_due_index: verdicts.every((v) => v.uses_due_index),
          seq_scan_on_tasks: verdicts.some((v) => v.seq_scan_on_tasks),
        },
      });

      for (const due of dues) {
        if (due > size) {
          results.push({ tasks: size, due, median_ms: null, note: 'more due than tasks' });
          continue;
        }
        const ids = pool.slice(0, due);
        const times = [];
        const split = { claim: [], enqueue: [] };
        let redisPerJob = null;
        // A 10,000-due tick takes a second or two (plus its reset): fewer repetitions.
        const repsHere = due >= 10_000 ? Math.max(3, Math.ceil(reps / 3)) : reps;
        for (let rep = -1; rep < repsHere; rep++) {
          now = nextNow();
          await makeDue(client, queue, ids, new Date(now.getTime() - 1000));
          const before = rep === 0 && due > 0 ? await redisUsedMemory(redis) : null;
          timed.claim = 0;
          timed.enqueue = 0;
          const t = performance.now();
          const result = await publisher.tick();
          const elapsed = performance.now() - t;
          if (result.enqueued !== due) {
            throw new Error(`tick at ${size} tasks enqueued ${result.enqueued}, expected ${due}`);
          }
          if (before !== null) redisPerJob = ((await redisUsedMemory(redis)) - before) / due;
          if (rep >= 0) {
            // rep -1 warms the caches and the connections
            times.push(elapsed);
            split.claim.push(timed.claim);
            split.enqueue.push(timed.enqueue);
          }
        }
        const sorted = [...times].sort((a, b) => a - b);
        results.push({
          tasks: size,
          due,
          median_ms: round(median(times), 2),
          claim_median_ms: round(median(split.claim), 2),
          enqueue_median_ms: round(median(split.enqueue), 2),
          min_ms: round(sorted[0], 2),
          max_ms: round(sorted.at(-1), 2),
          reps: repsHere,
          redis_bytes_per_queued_job: redisPerJob === null ? null : Math.round(redisPerJob),
        });
        log(
          `  tick at ${size.toLocaleString('en-US')} tasks, ${due} due: median ${round(median(times), 2)} ms`,
        );
      }
    }
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
    await logged.destroy();
    await db.destroy();
    await client.end();
  }
  return { results, explains, sizes: sizesOut, pinned_now: new Date(T0).toISOString(), reps };
}

/**
 * Wraps methods of the product's collaborators to add up the time spent in
 * them (the claim transaction, the queue round trips) — where a tick goes.
 */
function withTiming(target, methods, totals, key) {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      if (!methods.includes(property)) return value.bind(object);
      return async (...args) => {
        const started = performance.now();
        try {
          return await value.apply(object, args);
        } finally {
          totals[key] += performance.now() - started;
        }
      };
    },
  });
}

/** Does a plan walk tasks_due_idx, and does it scan the whole tasks table? */
export function planVerdict(lines) {
  const text = lines.join('\n');
  return {
    uses_due_index: /Index (Only )?Scan.*tasks_due_idx/.test(text),
    seq_scan_on_tasks: /Seq Scan on tasks/.test(text),
  };
}
