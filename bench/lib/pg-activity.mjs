// What the product asked of PostgreSQL per delivery, from the statistics views
// of the run's own database: transactions committed, rows written, and how
// each table and index was read (a sequential scan of a growing table, or an
// index walked row by row, shows here as a number). Backends publish their
// counters lazily (within about a second while busy, up to ~10 s after going
// idle), so the closing read waits that long.
import { setTimeout as sleep } from 'node:timers/promises';

async function read(client) {
  const db = await client.query(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_returned, tup_fetched
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const tables = await client.query(
    `SELECT relname AS name, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan,
            coalesce(idx_tup_fetch, 0) AS idx_tup_fetch, n_tup_ins, n_tup_upd, n_tup_hot_upd
       FROM pg_stat_user_tables`,
  );
  const indexes = await client.query(
    `SELECT indexrelname AS name, idx_scan, idx_tup_read, idx_tup_fetch FROM pg_stat_user_indexes`,
  );
  const numbers = (row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'name' ? v : Number(v)]));
  return {
    db: numbers(db.rows[0]),
    tables: Object.fromEntries(tables.rows.map((r) => [r.name, numbers(r)])),
    indexes: Object.fromEntries(indexes.rows.map((r) => [r.name, numbers(r)])),
  };
}

function perDelivery(after, before, n) {
  const out = {};
  for (const [key, value] of Object.entries(after)) {
    if (key === 'name') continue;
    out[key] = Math.round(((value - (before?.[key] ?? 0)) / n) * 100) / 100;
  }
  return out;
}

export async function startPgActivity(client) {
  // The harness's own pending counters (the tasks it just inserted) go out now,
  // into the baseline, instead of landing inside the measurement later.
  await client.query('SELECT pg_stat_force_next_flush()');
  const before = await read(client);
  return {
    /**
     * Per-delivery figures for `n` deliveries (the idle publisher's ticks meanwhile included).
     * An idle backend publishes its last counters up to 10 s after its last transaction
     * (PostgreSQL 15: PGSTAT_IDLE_INTERVAL), hence the wait; 0 gives a quick, partial figure.
     */
    async stop(n, waitMs = 11_000) {
      await sleep(waitMs);
      const last = await read(client);
      const db = perDelivery(last.db, before.db, n);
      return {
        commits_per_delivery: db.xact_commit,
        rollbacks_per_delivery: db.xact_rollback,
        rows_inserted_per_delivery: db.tup_inserted,
        rows_updated_per_delivery: db.tup_updated,
        rows_and_index_entries_scanned_per_delivery: db.tup_returned,
        rows_fetched_by_index_per_delivery: db.tup_fetched,
        tables: Object.fromEntries(
          Object.entries(last.tables).map(([name, t]) => [name, perDelivery(t, before.tables[name], n)]),
        ),
        indexes: Object.fromEntries(
          Object.entries(last.indexes).map(([name, i]) => [name, perDelivery(i, before.indexes[name], n)]),
        ),
      };
    },
  };
}
