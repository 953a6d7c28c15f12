// The headline figures of a run and the targets, met or not. The same
// object is the JSON line `--quick` ends with.

const biggest = (list) => list?.reduce((a, b) => (b.n > a.n ? b : a), list[0]);

function tickAt(tick, tasks, due) {
  return tick?.results.find((r) => r.tasks === tasks && r.due === due)?.median_ms ?? null;
}

/** Tick time at the largest size over the smallest size that has the same number due. */
function tickRatio(tick, due) {
  const rows = tick?.results.filter((r) => r.due === due && r.median_ms !== null) ?? [];
  if (rows.length < 2) return null;
  const first = rows[0];
  const last = rows.at(-1);
  return {
    ratio: Math.round((last.median_ms / first.median_ms) * 100) / 100,
    from: first.tasks,
    to: last.tasks,
  };
}

const sum = (values) => values.reduce((a, b) => a + (b ?? 0), 0);
const ratio = (a, b) => (a === null || a === undefined || !b ? null : Math.round((a / b) * 100) / 100);

export function headline(results) {
  const burst = biggest(results.bursts);
  const peerSchedulers =
    results.peer_schedulers?.find((b) => b.n === burst?.n) ?? biggest(results.peer_schedulers);
  const peerDelayed = results.peer_delayed?.find((b) => b.n === burst?.n) ?? biggest(results.peer_delayed);
  const peerCron = results.peer_cron?.find((b) => b.n === burst?.n) ?? biggest(results.peer_cron);
  const small = results.bursts?.find((b) => b.n === 100);
  const tick = results.tick;
  const largest = tick ? Math.max(...tick.results.map((r) => r.tasks)) : null;
  const productRuns = [results.l2, results.single, ...(results.bursts ?? [])].filter(Boolean);
  const peerRuns = [
    ...(results.peer_schedulers ?? []),
    ...(results.peer_delayed ?? []),
    ...(results.peer_cron ?? []),
  ];
  return {
    mode: results.mode,
    concurrency: results.concurrency,
    l0_per_s: results.l0?.per_s ?? null,
    l1_per_s: results.l1?.per_s ?? null,
    l2_per_s: results.l2?.per_s ?? null,
    l2_over_l1: ratio(results.l2?.per_s, results.l1?.per_s),
    l2_n: results.l2?.n ?? null,
    single_fires: results.single?.fires ?? null,
    single_p50_ms: results.single?.p50_ms ?? null,
    single_p99_ms: results.single?.p99_ms ?? null,
    single_max_ms: results.single?.max_ms ?? null,
    burst100_p99_ms: small?.p99_ms ?? null,
    burst_n: burst?.n ?? null,
    burst_first_ms: burst?.first_ms ?? null,
    burst_p50_ms: burst?.p50_ms ?? null,
    burst_p99_ms: burst?.p99_ms ?? null,
    burst_max_ms: burst?.max_ms ?? null,
    peer_schedulers_burst_p99_ms: peerSchedulers?.p99_ms ?? null,
    peer_delayed_burst_p99_ms: peerDelayed?.p99_ms ?? null,
    peer_cron_burst_p99_ms: peerCron?.p99_ms ?? null,
    burst_over_schedulers: ratio(burst?.p99_ms, peerSchedulers?.p99_ms),
    burst_over_delayed: ratio(burst?.p99_ms, peerDelayed?.p99_ms),
    duplicates: productRuns.length ? sum(productRuns.map((r) => r.duplicates)) : null,
    missed: productRuns.length ? sum(productRuns.map((r) => r.missed)) : null,
    peer_duplicates: peerRuns.length ? sum(peerRuns.map((r) => r.duplicates)) : null,
    peer_missed: peerRuns.length ? sum(peerRuns.map((r) => r.missed)) : null,
    tick_tasks_max: largest,
    idle_tick_ms: largest === null ? null : tickAt(tick, largest, 0),
    tick_100_due_ms: largest === null ? null : tickAt(tick, largest, 100),
    tick_ratio_idle: tickRatio(tick, 0)?.ratio ?? null,
    tick_ratio_100_due: tickRatio(tick, 100)?.ratio ?? null,
    claim_uses_index: tick
      ? tick.explains.every((e) => e.verdict.uses_due_index && !e.verdict.seq_scan_on_tasks)
      : null,
    publisher_rss_peak_mib: results.l2 ? Math.round(results.l2.memory.rssMiB.publisher.peak) : null,
    worker_rss_peak_mib: results.l2 ? Math.round(results.l2.memory.rssMiB.worker.peak) : null,
    duration_s: results.duration_s ?? null,
  };
}

/** Each target of issue 6 with the measured figure; `met` is null when not measured. */
export function targets(h) {
  const check = (name, value, pass, goal) => ({ name, goal, value, met: value === null ? null : pass });
  const n = h.tick_tasks_max?.toLocaleString('en-US') ?? 'the largest size of';
  const b = h.burst_n?.toLocaleString('en-US') ?? 'N';
  return [
    check('L2 deliveries/s', h.l2_per_s, h.l2_per_s >= 8000, '≥ 8,000/s'),
    check('L2 / L1', h.l2_over_l1, h.l2_over_l1 >= 0.7, '≥ 0.7'),
    check('single task p99 lateness', h.single_p99_ms, h.single_p99_ms <= 50, '≤ 50 ms'),
    check(`${b} due at once: p99`, h.burst_p99_ms, h.burst_p99_ms <= 1000, '≤ 1,000 ms'),
    check(
      `${b} due at once: p99 / job-schedulers peer p99`,
      h.burst_over_schedulers,
      h.burst_over_schedulers <= 0.65,
      '≤ 0.65',
    ),
    {
      name: `${b} due at once: p99 / BullMQ delayed-jobs peer p99 (for reference)`,
      goal: 'no target',
      value: h.burst_over_delayed,
      met: 'reference',
    },
    check('missed (product)', h.missed, h.missed === 0, '0'),
    check('duplicates (product)', h.duplicates, h.duplicates === 0, '0'),
    check(`idle tick at ${n} tasks`, h.idle_tick_ms, h.idle_tick_ms <= 2, '≤ 2 ms (at 1M)'),
    check(`tick ${n} / smallest, 0 due`, h.tick_ratio_idle, h.tick_ratio_idle <= 2, '≤ 2×'),
    check(`tick ${n} / smallest, 100 due`, h.tick_ratio_100_due, h.tick_ratio_100_due <= 2, '≤ 2×'),
    check(
      'claim walks tasks_due_idx (no seq scan)',
      h.claim_uses_index,
      h.claim_uses_index === true,
      'index scan',
    ),
  ];
}

export { tickRatio };
