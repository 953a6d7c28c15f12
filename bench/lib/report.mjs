// Presenting a run: a console summary, the JSON line, and (full runs) the
// results JSON's companion docs/benchmarks.md with the lateness plot.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cpuPerDeliveryRows,
  cpuPerDeliveryText,
  cpuRows,
  cpuText,
  ladderRows,
  latenessRows,
  num,
  verdict,
} from './format.mjs';
import { markdown } from './markdown.mjs';
import { root } from './resources.mjs';
import { headline, targets } from './summary.mjs';
import { cdfSvg } from './svg-plot.mjs';

/** Human-readable summary on stdout. */
export function printSummary(results, log) {
  const h = headline(results);
  log('\n== summary');
  for (const [label, r] of ladderRows(results))
    log(`  ${label.padEnd(42)} ${num(r.per_s).padStart(8)} deliveries/s`);
  if (h.l2_over_l1 !== null) log(`  L2 / L1 = ${h.l2_over_l1}`);
  if (results.l2) {
    const m = results.l2.memory;
    log(
      `  L2 detail: first arrival +${results.l2.first_arrival_ms} ms, last +${results.l2.last_arrival_ms} ms, ` +
        `all committed +${results.l2.ms} ms; RSS peak publisher ${num(m.rssMiB.publisher.peak)} MiB, worker ${num(m.rssMiB.worker.peak)} MiB`,
    );
  }
  const rows = latenessRows(results);
  if (rows.length) {
    log(
      '\n  lateness (ms)                                  n     first     p50     p99     max  missed  dup',
    );
    for (const r of rows) {
      log(
        `  ${`${r.design}: ${r.scenario}`.padEnd(44)} ${num(r.n).padStart(6)} ${num(r.first_ms, 1).padStart(9)} ${num(r.p50_ms, 1).padStart(7)} ${num(r.p99_ms, 1).padStart(7)} ${num(r.max_ms, 1).padStart(7)} ${num(r.missed).padStart(7)} ${num(r.duplicates).padStart(4)}`,
      );
    }
  }
  for (const [label, r] of [
    ['L2', results.l2],
    ...(results.bursts ?? []).map((b) => [`${num(b.n)} due at once`, b]),
  ]) {
    const d = r?.database;
    if (!d) continue;
    log(
      `  ${label}: PostgreSQL work per delivery: ${d.commits_per_delivery} commits, ${d.rows_inserted_per_delivery} rows inserted, ` +
        `${d.rows_updated_per_delivery} updated, ${d.rows_and_index_entries_scanned_per_delivery} rows or index entries scanned, ` +
        `${d.rows_fetched_by_index_per_delivery} rows fetched through indexes`,
    );
    for (const [name, t] of Object.entries(d.tables).filter(([, t]) => t.seq_scan + t.idx_scan > 0)) {
      log(
        `    ${name}: ${t.seq_scan} seq scans reading ${t.seq_tup_read} rows, ${t.idx_scan} index scans fetching ${t.idx_tup_fetch} rows, ` +
          `${t.n_tup_upd} updates (${t.n_tup_hot_upd} HOT)`,
      );
    }
    const busiest = Object.entries(d.indexes)
      .filter(([, i]) => i.idx_tup_read > 0)
      .sort((a, b) => b[1].idx_tup_read - a[1].idx_tup_read);
    log(
      `    index entries read: ${busiest.map(([name, i]) => `${name} ${i.idx_tup_read} (${i.idx_scan} scans)`).join(', ')}`,
    );
  }
  const cpu = cpuRows(results);
  if (cpu.length) {
    log('\n  CPU use while measuring (% of one core; postgres and redis count the whole server)');
    for (const [label, c] of cpu) log(`  ${label.padEnd(44)} ${cpuText(c)}`);
  }
  const perDelivery = cpuPerDeliveryRows(results);
  if (perDelivery.length) {
    log('\n  CPU time per delivery (µs; the whole machine has 1,000,000 µs per second per core)');
    for (const [label, parties, total] of perDelivery)
      log(`  ${label.padEnd(44)} ${cpuPerDeliveryText(parties, total)}`);
  }
  if (results.tick) {
    log(
      '\n  publisher tick (median ms)   ' +
        results.tick.results
          .filter((r) => r.tasks === results.tick.results[0].tasks)
          .map((r) => `${r.due} due`.padStart(10))
          .join(''),
    );
    for (const size of [...new Set(results.tick.results.map((r) => r.tasks))]) {
      const cells = results.tick.results
        .filter((r) => r.tasks === size)
        .map((r) => num(r.median_ms, 2).padStart(10));
      log(`  ${`${num(size)} tasks`.padEnd(28)} ${cells.join('')}`);
    }
    for (const r of results.tick.results.filter((x) => x.due > 0 && x.median_ms !== null)) {
      log(
        `  ${num(r.tasks)} tasks, ${num(r.due)} due: ${num(r.claim_median_ms, 1)} ms in claimDueTasks, ` +
          `${num(r.enqueue_median_ms, 1)} ms in queue.addBulk (summed over batches; they may overlap)`,
      );
    }
    const last = results.tick.explains.at(-1);
    log(
      `\n  claim query at ${num(last.tasks)} tasks (${last.captured ? 'captured from the repository' : 'SPEC §5 fallback'}):`,
    );
    log(`  ${last.sql.replace(/\s+/g, ' ')}`);
    for (const due of Object.keys(last.plans)) {
      log(`  EXPLAIN (ANALYZE, BUFFERS), ${due} due:`);
      for (const line of last.plans[due]) log(`    ${line}`);
    }
  }
  for (const [role, p] of Object.entries(results.profiles ?? {})) {
    log(`\n  CPU profile of the ${role}: ${num(p.busy_ms)} ms busy of ${num(p.wall_ms)} ms`);
    log(`    by package: ${p.by_owner.map((o) => `${o.name} ${o.busy_pct}%`).join(', ')}`);
    for (const f of p.by_function) log(`    ${String(f.busy_pct).padStart(5)}%  ${f.name}`);
  }
  log('\n  targets (issue 6)');
  for (const t of targets(h))
    log(`  ${verdict(t.met).padEnd(13)} ${t.name}: ${t.value ?? '—'} (goal ${t.goal})`);
  log(
    `\n  load average at start ${results.machine?.load_average_at_start?.join(' ')}, at end ${results.load_average_at_end?.join(' ')}`,
  );
}

/** The one-line JSON summary (the last stdout line). */
export function summaryLine(results) {
  const h = headline(results);
  const t = targets(h);
  return {
    ...h,
    targets_met: t.filter((x) => x.met === true).length,
    targets_missed: t.filter((x) => x.met === false).length,
  };
}

function plot(results) {
  const panels = [];
  if (results.single)
    panels.push({
      title: `1 task, every second (${results.single.fires} fires)`,
      series: [{ label: 'product', values: results.single.latenesses }],
    });
  for (const burst of results.bursts ?? []) {
    const peer = (list) => list?.find((b) => b.n === burst.n);
    panels.push({
      title: `${num(burst.n)} tasks due in the same second`,
      series: [
        { label: 'product', values: burst.latenesses },
        ...(peer(results.peer_schedulers)
          ? [{ label: 'BullMQ job schedulers', values: peer(results.peer_schedulers).latenesses }]
          : []),
        ...(peer(results.peer_delayed)
          ? [{ label: 'BullMQ delayed jobs', values: peer(results.peer_delayed).latenesses }]
          : []),
        ...(peer(results.peer_cron)
          ? [{ label: 'cron timer per task', values: peer(results.peer_cron).latenesses }]
          : []),
      ],
    });
  }
  return cdfSvg(
    panels,
    `Cumulative share of deliveries by lateness; ${results.started_at}, ${results.machine.cores} cores, concurrency ${results.concurrency}.`,
  );
}

/** Renders the SVG to PNG with Debian's chromium, when it is installed; false if not. */
function toPng(svgPath, pngPath, width, height) {
  if (!existsSync(CHROMIUM)) return false;
  const result = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--disable-gpu',
      '--no-sandbox',
      '--hide-scrollbars',
      `--screenshot=${pngPath}`,
      `--window-size=${width},${height}`,
      pathToFileURL(svgPath).href,
    ],
    { stdio: 'ignore', timeout: 60_000 },
  );
  return result.status === 0 && existsSync(pngPath);
}

const CHROMIUM = '/usr/bin/chromium';

/** Writes docs/benchmarks.md and its plot (SVG, plus a PNG when chromium is there); returns the paths written. */
export function writeReport(results) {
  const svgName = 'benchmarks-lateness.svg';
  const svgPath = path.join(root, 'docs', svgName);
  const pngPath = svgPath.replace(/\.svg$/, '.png');
  const mdPath = path.join(root, 'docs', 'benchmarks.md');
  const svg = plot(results);
  writeFileSync(svgPath, svg);
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
  const png = toPng(svgPath, pngPath, Number(width), Number(height));
  writeFileSync(mdPath, markdown(results, svgName));
  return [mdPath, svgPath, ...(png ? [pngPath] : [])].map((p) => path.relative(root, p));
}
