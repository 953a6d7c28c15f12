// Memory figures: process RSS from /proc/<pid>/status (VmRSS), Redis
// `used_memory` from INFO memory, PostgreSQL table and index sizes.
import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB; null once it is gone. */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function redisUsedMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/**
 * Samples the RSS of named processes and Redis used_memory every `everyMs`
 * until stopped; reports the first sample and the peak of each.
 */
export function startSampler(pids, redis, everyMs = 100) {
  const rss = Object.fromEntries(
    Object.keys(pids).map((name) => [name, { first: null, peak: 0, last: null }]),
  );
  const redisMem = { first: null, peak: 0, last: null };
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const [name, pid] of Object.entries(pids)) {
        const value = rssMiB(pid);
        if (value === null) continue;
        const entry = rss[name];
        entry.first ??= value;
        entry.peak = Math.max(entry.peak, value);
        entry.last = value;
      }
      const used = await redisUsedMemory(redis);
      redisMem.first ??= used;
      redisMem.peak = Math.max(redisMem.peak, used);
      redisMem.last = used;
    } finally {
      busy = false;
    }
  };
  void sample();
  const timer = setInterval(() => void sample().catch(() => undefined), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await sample().catch(() => undefined);
      return { rssMiB: rss, redisUsedMemory: redisMem };
    },
  };
}

/** Sizes in bytes of the tasks and task_logs tables: heap (+TOAST), indexes, total. */
export async function tableSizes(client) {
  const { rows } = await client.query(
    `SELECT relname AS table,
            pg_table_size(oid)::bigint AS table_bytes,
            pg_indexes_size(oid)::bigint AS index_bytes,
            pg_total_relation_size(oid)::bigint AS total_bytes
       FROM pg_class WHERE relname IN ('tasks', 'task_logs') AND relkind = 'r'`,
  );
  const out = {};
  for (const row of rows) {
    out[row.table] = {
      table_bytes: Number(row.table_bytes),
      index_bytes: Number(row.index_bytes),
      total_bytes: Number(row.total_bytes),
    };
  }
  return out;
}

/** Per-index sizes of `tasks` (bytes). */
export async function taskIndexSizes(client) {
  const { rows } = await client.query(
    `SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid)::bigint AS bytes
       FROM pg_index WHERE indrelid = 'tasks'::regclass ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
}

export const MiB = 1024 * 1024;
