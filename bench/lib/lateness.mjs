// Firing lateness through the product (issue 6, item 3): arrival at the
// receiver minus the due instant, for one every-second task and for bursts of
// tasks all due in the same second. The product's processes must be running.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dueAtOnce, insertTasks } from './product.mjs';
import { dueInstant, latenessSummary } from './stats.mjs';

/**
 * One task on `* * * * * *` until it has fired `fires` times. Each arrival is
 * paired, in order, with the due instants the product recorded for it
 * (task_logs.scheduled_for of first attempts): runs of one task never overlap,
 * so the k-th arrival belongs to the k-th instant. An instant between the
 * first and the last that has no attempt was missed (skipped); an arrival
 * beyond one per instant is a duplicate.
 */
export async function singleTask({ receiver, client, fires }) {
  const name = `single-${randomUUID().slice(0, 8)}`;
  const first = dueInstant(1000);
  const [id] = await insertTasks(client, {
    name,
    count: 1,
    schedule: '* * * * * *',
    url: receiver.url,
    nextRunAt: first,
  });
  await receiver.waitForArrivals(id, fires, (fires + 30) * 1000);
  await client.query('UPDATE tasks SET enabled = false WHERE id = $1', [id]);
  // Let a run in flight finish, so its arrival and its log row are both counted.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { rows } = await client.query('SELECT task_status FROM tasks WHERE id = $1', [id]);
    if (rows[0].task_status !== 'running') break;
    await sleep(50);
  }
  await sleep(200);
  const { rows } = await client.query(
    `SELECT DISTINCT scheduled_for FROM task_logs WHERE task_id = $1 AND retry_count = 0 ORDER BY scheduled_for`,
    [id],
  );
  const instants = rows.map((r) => r.scheduled_for.getTime());
  const arrivals = [...receiver.arrivalsOf(id)].sort((a, b) => a - b);
  const paired = Math.min(arrivals.length, instants.length);
  const latenesses = [];
  for (let i = 0; i < paired; i++) latenesses.push(arrivals[i] - instants[i]);
  const span = instants.length ? (instants.at(-1) - instants[0]) / 1000 + 1 : 0;
  const measured = latenesses.slice(0, fires);
  return {
    n: measured.length,
    fires: measured.length,
    ...latenessSummary(measured, measured[0]),
    first_due: instants.length ? new Date(instants[0]).toISOString() : null,
    missed: span - instants.length + (instants.length - paired),
    duplicates: Math.max(0, arrivals.length - instants.length),
    latenesses: measured,
  };
}

/** `n` tasks on a yearly schedule, all due at the same whole second. */
export async function productBurst({ receiver, client, n, product, statsWaitMs }) {
  const due = dueInstant(1500 + n * 0.1);
  const run = await dueAtOnce({
    receiver,
    client,
    product,
    name: `burst-${n}-${randomUUID().slice(0, 8)}`,
    n,
    due,
    statsWaitMs,
    arrivalTimeoutMs: Math.max(60_000, n * 10),
    settleTimeoutMs: 30_000,
  });
  const { outcome, settled } = run;
  return {
    n,
    due: due.toISOString(),
    ...latenessSummary(outcome.latenesses),
    missed: outcome.missed,
    duplicates: outcome.duplicates,
    settled_ms: settled.complete ? settled.settledAt - due.getTime() : null,
    setup_overran: run.setupOverran,
    cpu: run.cpu,
    database: run.database,
    ids: run.ids,
    latenesses: outcome.latenesses,
  };
}
