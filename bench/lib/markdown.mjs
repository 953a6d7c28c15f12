// docs/benchmarks.md: the machine, the targets met or missed, and every
// figure of a run, from its results object.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  cpuPerDeliveryRows,
  cpuPerDeliveryText,
  cpuRows,
  cpuText,
  ladderRows,
  latenessRows,
  mib,
  num,
  per100k,
  verdict,
} from './format.mjs';
import { root } from './resources.mjs';
import { headline, targets } from './summary.mjs';

export function markdown(results, svgName) {
  const h = headline(results);
  const m = results.machine;
  const out = [];
  const line = (s = '') => out.push(s);
  line('# Benchmarks');
  line();
  line(
    `Measured by \`npm run bench${results.mode === 'full' ? '' : ` -- --${results.mode}`}\` (bench/run.mjs) on ${results.started_at}, ` +
      `in ${num(results.duration_s)} s${results.profiled ? ', with the product under --cpu-prof' : ''}. ` +
      'Every ratio below compares figures taken in this same run, one after the other, on the same machine. ' +
      'Rerun it after a change to the product (`npm run build && npm run bench`); `npm run bench -- --quick` takes under five minutes.',
  );
  line();
  line('## Machine');
  line();
  line('| | |');
  line('| --- | --- |');
  line(`| CPU | ${m.cpu_model}, ${m.cores} cores |`);
  line(`| memory | ${m.memory_gib} GiB |`);
  line(`| OS | ${m.os} |`);
  line(`| Node.js | ${m.node} |`);
  line(`| PostgreSQL | ${m.postgresql} |`);
  if (m.postgresql_settings) {
    const settings = Object.entries(m.postgresql_settings).map(([k, v]) => `${k}=${v}`);
    line(`| PostgreSQL settings | ${settings.join(', ')} |`);
  }
  line(`| Redis | ${m.redis} |`);
  line(
    `| load average (1, 5, 15 min) | ${m.load_average_at_start.join(', ')} at start, ${results.load_average_at_end.join(', ')} at end |`,
  );
  line();
  line(
    'The machine is shared (other test suites may run at the same time), so absolute figures are noisy; ' +
      'the ratios are what the targets are about.',
  );
  line();
  line('## Targets');
  line();
  line('| target | goal | measured | |');
  line('| --- | --- | --- | --- |');
  for (const t of targets(h)) line(`| ${t.name} | ${t.goal} | ${t.value ?? '—'} | ${verdict(t.met)} |`);
  line();
  if (results.l0) {
    line('## Throughput ladder');
    line();
    line(
      `Same payload, same receiver (a bare \`node:http\` server on loopback), ${results.concurrency} deliveries in flight for each, ` +
        `${num(results.l2?.n ?? results.l0.n)} deliveries.`,
    );
    line();
    line('| rung | deliveries/s | time |');
    line('| --- | ---: | ---: |');
    for (const [label, r] of ladderRows(results)) line(`| ${label} | ${num(r.per_s)} | ${num(r.ms)} ms |`);
    line();
    if (results.l2) {
      line(
        `L2 is timed from the due instant until every attempt is committed as \`finish\` in \`task_logs\` and every task is back to \`ready\`: ` +
          `first webhook arrived ${results.l2.first_arrival_ms} ms after the due instant, the last ${results.l2.last_arrival_ms} ms after, ` +
          `and the last commit was seen at ${results.l2.ms} ms (arrival rate alone: ${num(results.l2.arrivals_per_s)}/s). ` +
          `L2 / L1 = ${h.l2_over_l1 ?? '—'}.`,
      );
      line();
      if (results.l2.database) pgWork(line, 'L2', results.l2.database);
    }
  }
  const rows = latenessRows(results);
  if (rows.length) {
    line('## Firing lateness');
    line();
    line(
      'Lateness is the arrival time at the receiver minus the due instant. "first" is the lateness of the earliest arrival ' +
        '(for the every-second task: of its first fire).',
    );
    line();
    line('| design | scenario | n | first | p50 | p99 | max | missed | duplicates |');
    line('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      line(
        `| ${r.design} | ${r.scenario} | ${num(r.n)} | ${num(r.first_ms, 1)} ms | ${num(r.p50_ms, 1)} ms | ${num(r.p99_ms, 1)} ms | ${num(r.max_ms, 1)} ms | ${num(r.missed)} | ${num(r.duplicates)} |`,
      );
    }
    line();
    for (const b of results.bursts ?? []) {
      if (b.database) pgWork(line, `the product's burst of ${num(b.n)}`, b.database);
    }
    line(`![Lateness distributions](${svgName})`);
    if (existsSync(path.join(root, 'docs', svgName.replace(/\.svg$/, '.png')))) {
      line();
      line(`(Also as [PNG](${svgName.replace(/\.svg$/, '.png')}).)`);
    }
    line();
    line(
      'Peer designs, built in bench/ against the same receiver and concurrency: **BullMQ job schedulers** — one ' +
        '`queue.upsertJobScheduler(id, { every: one year, startDate: the due instant }, template)` per task (so each scheduler ' +
        "fires once, as a yearly task does; a cron `pattern` pinned to that second would make the worker's serial re-arm of each " +
        'scheduler cost ~6 ms of cron-parser time and measure cron-parser rather than the design), consumed by a bare BullMQ worker that POSTs; **BullMQ delayed jobs** — ' +
        "the same worker, with one one-shot job per task added with `delay` up to the due instant (BullMQ's cheapest way to fire at an " +
        "instant; a job scheduler's worker also re-arms each scheduler as it takes its job, which delayed jobs do not); **cron timer per task** — " +
        'one croner timer per task in one process, POSTing through a pooled undici client (the `@nestjs/schedule` / node-cron design).',
    );
    line();
  }
  const cpu = cpuRows(results);
  if (cpu.length) {
    line('## Where the CPU went');
    line();
    line(
      'CPU time of each party while a scenario was measured, as a percentage of one core (the machine has ' +
        `${m.cores}). "receiver" is the harness process; postgres and redis are every server process of theirs on the machine, ` +
        'so they include any other load.',
    );
    line();
    line('| scenario | CPU use |');
    line('| --- | --- |');
    for (const [label, c] of cpu) line(`| ${label} | ${cpuText(c)} |`);
    line();
  }
  const perDelivery = cpuPerDeliveryRows(results);
  if (perDelivery.length) {
    line(
      `The same, as CPU time per delivery on the ladder's rungs (µs). With ${m.cores} cores busy, a rung cannot go faster ` +
        `than ${m.cores} × 1,000,000 µs/s divided by its total:`,
    );
    line();
    line('| rung | CPU per delivery | ceiling on this machine |');
    line('| --- | --- | ---: |');
    for (const [label, parties, total] of perDelivery)
      line(`| ${label} | ${cpuPerDeliveryText(parties, total)} | ${num((m.cores * 1e6) / total)}/s |`);
    line();
  }
  if (results.tick) {
    const tick = results.tick;
    const dues = [...new Set(tick.results.map((r) => r.due))];
    line('## Publisher cost per tick');
    line();
    line(
      `\`Publisher.tick()\` from packages/engine/dist, in-process, with a pinned clock, against its own database and a real queue; ` +
        `median of ${tick.reps} ticks (3 at 10,000 due) after one warm-up (min–max in brackets). Tasks not due are spread over the next year; ` +
        'the table is `VACUUM ANALYZE`d after loading, as autovacuum would have done.',
    );
    line();
    line(`| tasks | ${dues.map((d) => `${num(d)} due`).join(' | ')} |`);
    line(`| ---: | ${dues.map(() => '---:').join(' | ')} |`);
    for (const size of [...new Set(tick.results.map((r) => r.tasks))]) {
      const cells = dues.map((d) => {
        const r = tick.results.find((x) => x.tasks === size && x.due === d);
        return r?.median_ms === null || !r
          ? 'n/a'
          : `${num(r.median_ms, 2)} ms (${num(r.min_ms, 2)}–${num(r.max_ms, 2)})`;
      });
      line(`| ${num(size)} | ${cells.join(' | ')} |`);
    }
    line();
    const split = tick.results.filter(
      (r) => r.due > 0 && r.median_ms !== null && r.claim_median_ms !== undefined,
    );
    if (split.length) {
      line(
        'Where a tick with runs to enqueue spends its time (medians): inside the claim transactions (`claimDueTasks`, ' +
          "the schedule maths included) and inside the queue round trips (`queue.addBulk`), each summed over the tick's " +
          'batches. The two can overlap when the publisher pipelines its batches.',
      );
      line();
      line('| tasks | due | tick | in claimDueTasks | in queue.addBulk |');
      line('| ---: | ---: | ---: | ---: | ---: |');
      for (const r of split) {
        line(
          `| ${num(r.tasks)} | ${num(r.due)} | ${num(r.median_ms, 1)} ms | ${num(r.claim_median_ms, 1)} ms | ${num(r.enqueue_median_ms, 1)} ms |`,
        );
      }
      line();
    }
    const last = tick.explains.at(-1);
    line(
      `The claim query, ${last.captured ? 'as the repository sends it (captured from its query log)' : 'as SPEC §5 words it'}, ` +
        `explained at ${num(last.tasks)} tasks:`,
    );
    line();
    line('```sql');
    line(last.sql.trim());
    line('```');
    for (const due of Object.keys(last.plans)) {
      line();
      line(`EXPLAIN (ANALYZE, BUFFERS) with ${due} due:`);
      line();
      line('```');
      for (const l of last.plans[due]) line(l);
      line('```');
    }
    line();
    line(
      `Index scan on \`tasks_due_idx\` at every size: ${tick.explains.every((e) => e.verdict.uses_due_index) ? 'yes' : 'no'}; ` +
        `sequential scan of \`tasks\` at any size: ${tick.explains.some((e) => e.verdict.seq_scan_on_tasks) ? 'yes' : 'no'}.`,
    );
    line();
  }
  line('## Memory');
  line();
  if (results.l2) {
    const mem = results.l2.memory;
    const n = results.l2.n;
    line(`During L2 (${num(n)} tasks due at once), sampled every 100 ms:`);
    line();
    line('| | at the due instant | peak |');
    line('| --- | ---: | ---: |');
    line(
      `| publisher RSS | ${num(mem.rssMiB.publisher.first, 1)} MiB | ${num(mem.rssMiB.publisher.peak, 1)} MiB |`,
    );
    line(`| worker RSS | ${num(mem.rssMiB.worker.first, 1)} MiB | ${num(mem.rssMiB.worker.peak, 1)} MiB |`);
    line(
      `| Redis used_memory (whole server) | ${mib(mem.redisUsedMemory.first)} | ${mib(mem.redisUsedMemory.peak)} |`,
    );
    line();
    line(
      `Redis peak growth per 100k tasks due at once: ${per100k(mem.redisUsedMemory.peak - mem.redisUsedMemory.first, n)} ` +
        '(server-wide figure: other users of the server add noise).',
    );
    line();
    const sizes = results.l2.table_sizes;
    line(
      `PostgreSQL after L2 (${num(n)} tasks, ${num(n)} attempts), per 100k: tasks ${per100k(sizes.tasks.table_bytes, n)} table + ` +
        `${per100k(sizes.tasks.index_bytes, n)} indexes; task_logs ${per100k(sizes.task_logs.table_bytes, n)} table + ` +
        `${per100k(sizes.task_logs.index_bytes, n)} indexes.`,
    );
    line();
  }
  if (results.tick) {
    line('`tasks` as loaded for the tick benchmark (after VACUUM ANALYZE):');
    line();
    line('| tasks | table | indexes | total | per 100k tasks |');
    line('| ---: | ---: | ---: | ---: | ---: |');
    for (const s of results.tick.sizes) {
      line(
        `| ${num(s.tasks)} | ${mib(s.table_bytes)} | ${mib(s.index_bytes)} | ${mib(s.total_bytes)} | ${per100k(s.total_bytes, s.tasks)} |`,
      );
    }
    const job = results.tick.results.find((r) => r.redis_bytes_per_queued_job)?.redis_bytes_per_queued_job;
    if (job) {
      line();
      line(
        `Redis per queued delivery job (the publisher's own jobs, measured after a 10,000-due tick): about ${num(job)} bytes, ` +
          `${mib(job * 100_000)} per 100k jobs waiting.`,
      );
    }
    line();
  }
  line('## How it is measured');
  line();
  line(
    '- Each run creates and migrates its own databases (`scheduler_bench_<pid>`, dropped at the end) and claims an empty Redis ' +
      'logical database (flushed at the end only if still claimed by the run), with its own key prefixes on top.',
  );
  line(
    '- The product runs as built: `node apps/cli/bin/scheduler.js publisher` and `… worker --concurrency N`, ' +
      'with the `.env.example` defaults (1 s tick, `LOG_FORMAT=json`, `LOG_LEVEL=info`, logs to a file).',
  );
  line(
    '- Tasks are bulk-inserted with `generate_series`, on a yearly schedule with `next_run_at` at the due instant, so each fires once; ' +
      'the payload carries the task id, which is how the receiver tells arrivals apart and counts duplicates per (task, due instant).',
  );
  line(
    "- The every-second task's arrivals are paired in order with the due instants recorded in `task_logs.scheduled_for`; " +
      'a second between the first and last fire with no attempt counts as missed.',
  );
  if (results.vacuumed_between_scenarios) {
    line(
      '- This PostgreSQL server runs with `autovacuum=off`, so the harness runs `VACUUM ANALYZE tasks, task_logs` between ' +
        'product scenarios (never inside a measurement), as autovacuum would after a burst; within a scenario, dead row versions ' +
        'pile up exactly as they would before autovacuum gets to them.',
    );
  }
  line(
    "- L0, L1 and the peers run in child processes of their own, like the product's worker, so none shares an event loop with the receiver.",
  );
  line();
  return `${out.join('\n')}\n`;
}

/** PostgreSQL work per delivery during one product scenario, by table and index. */
function pgWork(line, label, d) {
  line(
    `PostgreSQL work per delivery in ${label}, from the statistics views of the run's database (the idle publisher's ticks included): ` +
      `${d.commits_per_delivery} commits, ${d.rows_inserted_per_delivery} rows inserted, ${d.rows_updated_per_delivery} updated, ` +
      `${d.rows_and_index_entries_scanned_per_delivery} rows or index entries scanned, ${d.rows_fetched_by_index_per_delivery} rows fetched through indexes.`,
  );
  line();
  line('| table | seq scans | rows read by them | index scans | rows fetched by them | updates (HOT) |');
  line('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, t] of Object.entries(d.tables).filter(([, t]) => t.seq_scan + t.idx_scan > 0)) {
    line(
      `| ${name} | ${t.seq_scan} | ${t.seq_tup_read} | ${t.idx_scan} | ${t.idx_tup_fetch} | ${t.n_tup_upd} (${t.n_tup_hot_upd}) |`,
    );
  }
  line();
  line('| index | scans | entries read | rows fetched |');
  line('| --- | ---: | ---: | ---: |');
  for (const [name, i] of Object.entries(d.indexes).filter(([, i]) => i.idx_tup_read + i.idx_scan > 0)) {
    line(`| ${name} | ${i.idx_scan} | ${i.idx_tup_read} | ${i.idx_tup_fetch} |`);
  }
  line();
  line('(All per delivery.)');
  line();
}
