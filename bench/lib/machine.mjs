// What the numbers were measured on.
import { readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  try {
    const match = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export async function describeMachine(client, redis) {
  const { rows } = await client.query('SHOW server_version');
  const redisInfo = await redis.info('server');
  // Server settings that change what the numbers mean (autovacuum off: dead rows pile up during a run).
  const settings = await client.query(
    `SELECT name, setting, unit FROM pg_settings
      WHERE name IN ('autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')`,
  );
  const pgSettings = Object.fromEntries(
    settings.rows.map((r) => [
      r.name,
      r.unit === '8kB' ? `${(Number(r.setting) * 8) / 1024} MiB` : r.setting,
    ]),
  );
  return {
    cpu_model: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory_gib: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgresql: rows[0].server_version,
    postgresql_settings: pgSettings,
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown',
    load_average_at_start: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function loadAverage() {
  return os.loadavg().map((n) => Math.round(n * 100) / 100);
}
