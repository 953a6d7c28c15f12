// Formatting shared by the console summary and docs/benchmarks.md: numbers,
// sizes, and the rows of the ladder, lateness and CPU tables.
import { MiB } from './memory.mjs';

export const num = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '—'
    : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
export const mib = (bytes) => (bytes === null || bytes === undefined ? '—' : `${num(bytes / MiB, 1)} MiB`);
export const per100k = (bytes, n) => (bytes && n ? mib((bytes * 100_000) / n) : '—');
export const verdict = (met) =>
  met === 'reference' ? 'for reference' : met === null ? 'not measured' : met ? 'met' : 'MISSED';

export function latenessRows(results) {
  const rows = [];
  if (results.single)
    rows.push({
      design: 'product',
      scenario: `1 task, every second (${results.single.fires} fires)`,
      ...results.single,
    });
  for (const b of results.bursts ?? [])
    rows.push({ design: 'product', scenario: `${num(b.n)} due at once`, ...b });
  for (const b of results.peer_schedulers ?? [])
    rows.push({ design: 'BullMQ job schedulers', scenario: `${num(b.n)} due at once`, ...b });
  for (const b of results.peer_delayed ?? [])
    rows.push({ design: 'BullMQ delayed jobs', scenario: `${num(b.n)} due at once`, ...b });
  for (const b of results.peer_cron ?? [])
    rows.push({ design: 'cron timer per task', scenario: `${num(b.n)} due at once`, ...b });
  return rows;
}

export function ladderRows(results) {
  return [
    ['L0 raw pooled HTTP (undici)', results.l0],
    ['L1 bare BullMQ worker + POST', results.l1],
    ['L2 the product (due → committed, ready)', results.l2],
  ].filter(([, r]) => r);
}

/** CPU use (% of one core) per party during each measured scenario. */
export function cpuRows(results) {
  const rows = [];
  for (const [label, r] of ladderRows(results)) if (r.cpu) rows.push([label, r.cpu]);
  for (const r of latenessRows(results))
    if (r.cpu && r.n > 1) rows.push([`${r.design}: ${r.scenario}`, r.cpu]);
  return rows;
}

/**
 * CPU time per delivery of each party on the ladder's rungs, in µs: a rung's
 * CPU use over its measured time, divided by its deliveries. On a machine
 * whose cores are all busy, a rung's rate is bounded by cores / total.
 */
export function cpuPerDeliveryRows(results) {
  const rows = [];
  for (const [label, r] of ladderRows(results)) {
    if (!r.cpu || !r.ms || !r.n) continue;
    const parties = Object.fromEntries(
      Object.entries(r.cpu).map(([k, pct]) => [
        k.replace(/_pct$/, ''),
        Math.round((pct / 100) * ((r.ms * 1000) / r.n)),
      ]),
    );
    const total = Object.values(parties).reduce((a, b) => a + b, 0);
    rows.push([label, parties, total]);
  }
  return rows;
}

export function cpuPerDeliveryText(parties, total) {
  return `${Object.entries(parties)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; total ${total} µs`;
}

export function cpuText(cpu) {
  return Object.entries(cpu)
    .map(([k, v]) => `${k.replace(/_pct$/, '')} ${v}%`)
    .join(', ');
}
