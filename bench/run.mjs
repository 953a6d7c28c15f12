// The benchmark suite of issue 6: throughput ladder (raw HTTP, bare BullMQ, the
// product), firing lateness of the product beside two peer designs, publisher
// cost per tick as the table grows, and memory — measured side by side in one
// run, so the ratios hold on a busy machine.
//
//   npm run bench                 full run; writes bench/results/<time>.json and docs/benchmarks.md
//   npm run bench -- --quick      under five minutes; the last stdout line is one JSON object
//   npm run bench -- --smoke      a tiny load (what the test suite runs)
//   options: --concurrency <n> (default 64; 8 for --smoke), --only ladder,lateness,peers,tick, --keep-logs,
//            --profile (the product's processes run with --cpu-prof; their hot spots are summarised),
//            --report-from bench/results/<file>.json (only re-render docs/benchmarks.md from saved results)
//
// Each run creates and migrates its own PostgreSQL databases and claims an
// empty Redis logical database (plus a key prefix of its own), and drops or
// flushes exactly those at the end. The product under test is the built one
// (apps/cli/dist): run `npm run build` after changing it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import IORedis from 'ioredis';
import pg from 'pg';
import { bareBullmq, fullProduct, rawLoop } from './lib/ladder.mjs';
import { productBurst, singleTask } from './lib/lateness.mjs';
import { summariseProfiles } from './lib/cpu-profile.mjs';
import { describeMachine, loadAverage } from './lib/machine.mjs';
import { bullmqPeer, cronTimersPeer } from './lib/peers.mjs';
import { startProduct } from './lib/product.mjs';
import { DEFAULT_CONCURRENCY, PROFILES, SECTIONS } from './lib/profiles.mjs';
import { burstOutcome, startReceiver } from './lib/receiver.mjs';
import { printSummary, summaryLine, writeReport } from './lib/report.mjs';
import { acquireResources, root } from './lib/resources.mjs';
import { runTickCost } from './lib/tick-cost.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    only: { type: 'string', default: SECTIONS.join(',') },
    'keep-logs': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'report-from': { type: 'string' },
  },
});
if (args['report-from']) {
  // Re-render docs/benchmarks.md and its plot from a saved results file.
  const saved = JSON.parse(readFileSync(args['report-from'], 'utf8'));
  for (const written of writeReport(saved)) console.log(`report: ${written}`);
  process.exit(0);
}
const mode = args.smoke ? 'smoke' : args.quick ? 'quick' : 'full';
const profile = PROFILES[mode];
const concurrency = Number(args.concurrency ?? profile.concurrency ?? DEFAULT_CONCURRENCY);
const only = new Set(args.only.split(',').map((s) => s.trim()));
for (const section of only) {
  if (!SECTIONS.includes(section)) {
    console.error(`--only: unknown section "${section}"; expected some of ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`--concurrency: expected a whole number above 0, got ${args.concurrency}`);
  process.exit(2);
}

const log = (line) => console.log(line);
const startedAt = Date.now();
const logDir = mkdtempSync(path.join(os.tmpdir(), 'scheduler-bench-'));
const results = {
  mode,
  concurrency,
  started_at: new Date(startedAt).toISOString(),
  sections: [...only],
  profiled: args.profile,
};

let resources;
let receiver;
let client;
let redis;
let product;
let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    await product?.stop().catch(() => undefined);
    await receiver?.close().catch(() => undefined);
    await client?.end().catch(() => undefined);
    await redis?.quit().catch(() => redis.disconnect());
    await resources?.release().catch((error) => console.error(`cleanup: ${error.message}`));
    if (!args['keep-logs']) rmSync(logDir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up...`);
    void cleanup().finally(() => process.exit(130));
  });
}

/**
 * Between product scenarios, when the server runs without autovacuum: what
 * autovacuum would do after a burst (clear the dead row versions and index
 * entries the previous scenario left, refresh the statistics), so one
 * scenario's debris does not land on the next one's figures. Recorded in the results.
 */
async function vacuumIfNoAutovacuum() {
  if (results.machine.postgresql_settings?.autovacuum !== 'off') return;
  await client.query('VACUUM ANALYZE tasks, task_logs');
  results.vacuumed_between_scenarios = true;
}

let failed = false;
try {
  log(`Task Scheduler benchmark — ${mode} run, ${concurrency} deliveries in flight`);
  resources = await acquireResources();
  receiver = await startReceiver();
  client = new pg.Client({ connectionString: resources.dbUrl });
  await client.connect();
  redis = new IORedis(resources.redisUrl, { maxRetriesPerRequest: 1 });
  results.machine = await describeMachine(client, redis);
  results.isolation = {
    database: resources.dbName,
    redis_db: resources.redisIndex,
    redis_db_claimed: resources.redisClaimed,
    redis_prefix: resources.prefix('*'),
  };
  log(
    `database ${resources.dbName}, Redis db ${resources.redisIndex}` +
      `${resources.redisClaimed ? ' (claimed, empty)' : ' (shared: key prefix only)'}, logs in ${logDir}`,
  );

  if (only.has('ladder')) {
    const n = profile.ladderN;
    log(`\n== throughput ladder: ${n.toLocaleString('en-US')} deliveries each`);
    results.l0 = await rawLoop({ receiver, n, concurrency });
    log(`  L0 raw undici loop: ${results.l0.per_s}/s`);
    results.l1 = await bareBullmq({ receiver, resources, n, concurrency });
    log(`  L1 bare BullMQ worker: ${results.l1.per_s}/s`);
  }
  if (only.has('ladder') || only.has('lateness')) {
    const profileDir = args.profile ? path.join(logDir, 'profiles') : undefined;
    if (profileDir) mkdirSync(profileDir);
    product = await startProduct(resources, { concurrency, logDir, receiver, client, profileDir });
    const roles = product.pids();
    if (only.has('ladder')) {
      results.l2 = await fullProduct({
        receiver,
        client,
        redis,
        product,
        n: profile.ladderN,
        log,
        statsWaitMs: profile.pgStatsWaitMs,
      });
      log(`  L2 full product: ${results.l2.per_s ?? 'incomplete'}/s (complete: ${results.l2.complete})`);
    }
    if (only.has('lateness')) {
      log(`\n== firing lateness, product`);
      await vacuumIfNoAutovacuum();
      results.single = await singleTask({ receiver, client, fires: profile.singleFires });
      log(`  1 task every second, ${results.single.fires} fires: p99 ${results.single.p99_ms} ms`);
      results.bursts = [];
      for (const n of profile.bursts) {
        await vacuumIfNoAutovacuum();
        const burst = await productBurst({
          receiver,
          client,
          n,
          product,
          statsWaitMs: profile.pgStatsWaitMs,
        });
        results.bursts.push(burst);
        log(`  ${n} due at once: p50 ${burst.p50_ms} ms, p99 ${burst.p99_ms} ms, max ${burst.max_ms} ms`);
      }
    }
    results.product_alive_until_stop = product.alive();
    results.product_exit = await product.stop();
    product = undefined;
    if (profileDir) results.profiles = summariseProfiles(profileDir, roles);
  }
  if (only.has('peers')) {
    log(`\n== firing lateness, peer designs`);
    const peer = (design) =>
      bullmqPeer({ receiver, resources, design, sizes: profile.bursts, concurrency, log });
    results.peer_schedulers = await peer('schedulers');
    results.peer_delayed = await peer('delayed');
    results.peer_cron = await cronTimersPeer({ receiver, sizes: profile.bursts, concurrency, log });
  }
  if (only.has('tick')) {
    log(`\n== publisher cost per tick`);
    results.tick = await runTickCost({
      resources,
      sizes: profile.tickSizes,
      dues: profile.tickDues,
      reps: profile.tickReps,
      log,
    });
  }

  // Duplicates are counted again at the very end: a late redelivery still shows.
  for (const burst of [
    ...(results.l2 ? [results.l2] : []),
    ...(results.bursts ?? []),
    ...(results.peer_schedulers ?? []),
    ...(results.peer_delayed ?? []),
    ...(results.peer_cron ?? []),
  ]) {
    burst.duplicates = burstOutcome(receiver, burst.ids, new Date(burst.due)).duplicates;
  }
  results.receiver_unreadable = receiver.unreadable();
  results.load_average_at_end = loadAverage();
  results.duration_s = Math.round((Date.now() - startedAt) / 1000);
} catch (error) {
  failed = true;
  console.error(`\nbenchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  await cleanup();
}

if (failed) process.exit(1);
printSummary(results, log);
if (mode !== 'smoke') {
  const stamp = results.started_at.replace(/[:.]/g, '-');
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}-${mode}.json`);
  writeFileSync(file, `${JSON.stringify(results, (k, v) => (k === 'ids' ? undefined : v), 2)}\n`);
  log(`results: ${path.relative(root, file)}`);
  // docs/benchmarks.md describes a whole full run, never a part of one.
  if (mode === 'full' && SECTIONS.every((section) => only.has(section))) {
    for (const written of writeReport(results)) log(`report: ${written}`);
  }
}
console.log(JSON.stringify(summaryLine(results)));
process.exit(0);
