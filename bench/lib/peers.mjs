// The same bursts through two peer designs, built here, to the same receiver
// at the same concurrency (issue 6, item 3):
// (a) BullMQ job schedulers: one `upsertJobScheduler` per task, repeating
//     every year from the burst's instant (`every` + `startDate`), consumed by
//     a bare BullMQ worker that POSTs — the "let Redis hold the schedule"
//     design. (Not a cron `pattern` pinned to that second of the year: the
//     worker re-arms each scheduler as it takes its job, one at a time, and
//     cron-parser needs ~6 ms to find such a pattern's next occurrence a year
//     ahead — that would measure cron-parser, not the design.)
// (a') the same, with one one-shot delayed job per task at the due instant
//     (`addBulk` with `delay`) instead of schedulers: BullMQ's cheapest way to
//     fire something at an instant, and the stricter comparison;
// (b) one in-process cron timer per task (croner), POSTing through a pooled
//     client — the @nestjs/schedule / node-cron design.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { startBareBullmq } from './bare-bullmq.mjs';
import { startChild } from './child.mjs';
import { startCpuAccount } from './cpu.mjs';
import { payloadFor } from './payload.mjs';
import { burstOutcome } from './receiver.mjs';
import { dueInstant, latenessSummary } from './stats.mjs';

const { deliveryJobOptions } = await import('../../packages/queue/dist/index.js');

const YEAR_MS = 365 * 24 * 3_600_000;

function outcomeOf(receiver, ids, due, extra) {
  const outcome = burstOutcome(receiver, ids, due);
  return {
    n: ids.length,
    due: due.toISOString(),
    ...latenessSummary(outcome.latenesses),
    missed: outcome.missed,
    duplicates: outcome.duplicates,
    ...extra,
    ids,
    latenesses: outcome.latenesses,
  };
}

/** Enqueues the burst the peer's way: one job scheduler, or one delayed job, per task. */
async function enqueueBurst(queue, design, ids, due, url) {
  const jobOf = (id) => ({
    name: 'schedule',
    data: { taskId: id, url, payload: payloadFor(id) },
    // The product's job options (attempts, backoff, retention).
    opts: deliveryJobOptions({ taskId: id, scheduledFor: due, maxRetry: 3, trigger: 'schedule' }, 1000),
  });
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (design === 'delayed') {
      const delay = due.getTime() - Date.now();
      await queue.addBulk(
        chunk.map((id) => {
          const job = jobOf(id);
          return { ...job, opts: { ...job.opts, delay } };
        }),
      );
    } else {
      await Promise.all(
        chunk.map((id) => {
          const { name, data, opts } = jobOf(id);
          const { jobId: _jobId, ...template } = opts; // schedulers make their own job ids
          return queue.upsertJobScheduler(
            id,
            { every: YEAR_MS, startDate: due },
            { name, data, opts: template },
          );
        }),
      );
    }
  }
}

/**
 * Setup cost per task (ms) right now, so a burst's due instant leaves it just
 * enough time: enqueues up to 1,000 throwaway tasks due in 300 days the same
 * way, then removes them.
 */
async function calibrate(queue, design, n, url) {
  const count = Math.min(n, 1000);
  const ids = Array.from({ length: count }, () => randomUUID());
  const started = performance.now();
  await enqueueBurst(queue, design, ids, new Date(Date.now() + 300 * 24 * 3_600_000), url);
  const msPerTask = (performance.now() - started) / count;
  if (design === 'delayed') await queue.drain(true);
  else {
    for (let i = 0; i < count; i += 500) {
      await Promise.all(ids.slice(i, i + 500).map((id) => queue.removeJobScheduler(id)));
    }
  }
  return msPerTask;
}

/**
 * Peer (a) with design 'schedulers', (a') with design 'delayed': bursts of each
 * size in `sizes`, one after the other, consumed by one bare BullMQ worker.
 */
export async function bullmqPeer({ receiver, resources, design, sizes, concurrency, log }) {
  const bare = startBareBullmq({ resources, name: `peer-${design}`, concurrency, autorun: true });
  const { queue, child } = bare;
  const results = [];
  try {
    await child.next('ready');
    for (const n of sizes) {
      const ids = Array.from({ length: n }, () => randomUUID());
      const due = dueInstant(1000 + n * (await calibrate(queue, design, n, receiver.url)) * 1.5);
      const started = performance.now();
      await enqueueBurst(queue, design, ids, due, receiver.url);
      const setupMs = performance.now() - started;
      const setupOverran = Date.now() > due.getTime() - 200;
      const delayed = await queue.getDelayedCount();
      log(
        `  BullMQ ${design}: ${n} enqueued in ${Math.round(setupMs)} ms (${delayed} delayed), due ${due.toISOString()}`,
      );
      const group = receiver.track(ids);
      await sleep(Math.max(0, due.getTime() - Date.now()));
      const cpu = startCpuAccount({ worker: child.pid });
      await receiver.waitForGroup(group, due.getTime() + Math.max(60_000, n * 10) - Date.now());
      results.push(
        outcomeOf(receiver, ids, due, {
          setup_ms: Math.round(setupMs),
          setup_overran: setupOverran,
          cpu: cpu.stop(),
        }),
      );
    }
  } finally {
    await bare.stop();
  }
  return results;
}

/** Peer (b): bursts of each size in `sizes`, one after the other, each in a fresh process. */
export async function cronTimersPeer({ receiver, sizes, concurrency, log }) {
  const results = [];
  for (const n of sizes) {
    const child = startChild('cron-timers', ['--concurrency', String(concurrency)]);
    try {
      await child.next('ready');
      const ids = Array.from({ length: n }, () => randomUUID());
      // Timer setup cost right now, on throwaway timers, to give the burst just enough lead time.
      child.send({ type: 'calibrate', count: Math.min(n, 1000) });
      const { msPerTask } = await child.next('calibrated');
      const due = dueInstant(1000 + n * msPerTask * 1.5);
      child.send({ type: 'schedule', url: receiver.url, due: due.getTime(), ids });
      const scheduled = await child.next('scheduled');
      const setupOverran = Date.now() > due.getTime() - 200 || scheduled.nextRun !== due.getTime();
      log(`  cron timers: ${n} timers set in ${scheduled.setupMs} ms, due ${due.toISOString()}`);
      const group = receiver.track(ids);
      await sleep(Math.max(0, due.getTime() - Date.now()));
      const cpu = startCpuAccount({ timers: child.pid });
      await receiver.waitForGroup(group, due.getTime() + Math.max(60_000, n * 10) - Date.now());
      results.push(
        outcomeOf(receiver, ids, due, {
          setup_ms: scheduled.setupMs,
          setup_overran: setupOverran,
          cpu: cpu.stop(),
        }),
      );
    } finally {
      await child.stop();
    }
  }
  return results;
}
