// The throughput ladder (issue 6, item 2): the same payload to the same
// receiver at the same concurrency, three ways.
//   L0  a raw pooled-HTTP loop: the ceiling of the HTTP stack itself;
//   L1  a bare BullMQ worker doing only the POST: jobs added beforehand with
//       addBulk, the drain timed;
//   L2  the full product: N tasks due at one instant, timed from that instant
//       until every attempt is committed as `finish` and every task is `ready`.
import { randomUUID } from 'node:crypto';
import { startBareBullmq } from './bare-bullmq.mjs';
import { startChild } from './child.mjs';
import { startCpuAccount } from './cpu.mjs';
import { startSampler, tableSizes } from './memory.mjs';
import { payloadFor } from './payload.mjs';
import { dueAtOnce } from './product.mjs';
import { dueInstant, perSecond, round } from './stats.mjs';

const { deliveryJobOptions } = await import('../../packages/queue/dist/index.js');

export async function rawLoop({ receiver, n, concurrency }) {
  const ids = `l0-${randomUUID().slice(0, 8)}`;
  const child = startChild('raw-loop', [
    '--url',
    receiver.url,
    '--n',
    String(n),
    '--concurrency',
    String(concurrency),
    '--ids',
    ids,
  ]);
  try {
    await child.next('ready');
    const cpu = startCpuAccount({ client: child.pid });
    child.send({ type: 'go' });
    const { startedAt, endedAt } = await child.next('done', 300_000);
    return { n, ms: endedAt - startedAt, per_s: perSecond(n, endedAt - startedAt), cpu: cpu.stop() };
  } finally {
    await child.stop();
  }
}

export async function bareBullmq({ receiver, resources, n, concurrency }) {
  const bare = startBareBullmq({ resources, name: 'l1', concurrency, autorun: false });
  const { queue, child } = bare;
  try {
    const scheduledFor = new Date();
    const ids = Array.from({ length: n }, () => randomUUID());
    const group = receiver.track(ids);
    // The product's job shape and options (id, attempts, backoff, retention), plus what the POST needs.
    for (let i = 0; i < n; i += 1000) {
      await queue.addBulk(
        ids.slice(i, i + 1000).map((id) => ({
          name: 'schedule',
          data: {
            taskId: id,
            scheduledFor: scheduledFor.toISOString(),
            trigger: 'schedule',
            url: receiver.url,
            payload: payloadFor(id),
          },
          opts: deliveryJobOptions({ taskId: id, scheduledFor, maxRetry: 3, trigger: 'schedule' }, 1000),
        })),
      );
    }
    await child.next('ready');
    child.send({ type: 'expect', count: n });
    const cpu = startCpuAccount({ worker: child.pid });
    child.send({ type: 'go' });
    const { startedAt } = await child.next('started');
    const { endedAt, failed } = await child.next('done', 300_000);
    const cpuUse = cpu.stop();
    await receiver.waitForGroup(group, 5_000);
    return {
      n,
      ms: endedAt - startedAt,
      per_s: perSecond(n, endedAt - startedAt),
      failed,
      received: group.arrived,
      cpu: cpuUse,
    };
  } finally {
    await bare.stop();
  }
}

/**
 * L2. The product's processes must be running (and idle). `name` scopes the
 * tasks; RSS, Redis memory and table sizes are measured around it.
 */
export async function fullProduct({ receiver, client, redis, product, n, log, statsWaitMs }) {
  const due = dueInstant(2000 + n * 0.1);
  log(`  L2: ${n.toLocaleString('en-US')} tasks due at ${due.toISOString()}`);
  const run = await dueAtOnce({
    receiver,
    client,
    product,
    name: `l2-${randomUUID().slice(0, 8)}`,
    n,
    due,
    statsWaitMs,
    // Generous: a slow product is measured, not cut short (and must not leave a backlog behind).
    arrivalTimeoutMs: Math.max(120_000, n * 10),
    settleTimeoutMs: 60_000,
    startMeasure: () => startSampler(product.pids(), redis),
  });
  const { group, settled, outcome } = run;
  const ms = settled.settledAt - due.getTime();
  return {
    n,
    due: due.toISOString(),
    ms,
    per_s: settled.complete ? perSecond(n, ms) : null,
    arrivals_per_s: perSecond(group.arrived, group.lastAt - due.getTime()),
    first_arrival_ms: group.firstAt ? group.firstAt - due.getTime() : null,
    last_arrival_ms: group.lastAt ? group.lastAt - due.getTime() : null,
    last_task_update_ms: settled.last_update ? settled.last_update.getTime() - due.getTime() : null,
    complete: settled.complete,
    inserted_before_due: !run.setupOverran,
    finish_rows: settled.finish,
    other_attempt_rows: settled.other_attempts,
    not_ready: settled.not_ready,
    missed: outcome.missed,
    duplicates: outcome.duplicates,
    p99_lateness_ms: round(
      outcome.latenesses.sort((a, b) => a - b)[Math.ceil(0.99 * outcome.latenesses.length) - 1],
    ),
    cpu: run.cpu,
    database: run.database,
    memory: run.measured,
    table_sizes: await tableSizes(client),
    ids: run.ids,
  };
}
