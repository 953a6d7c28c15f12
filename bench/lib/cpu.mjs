// Where the CPU went during a measurement: user+system time of this process
// (the receiver), of given child processes, and of every PostgreSQL and Redis
// server process on the machine (those include other users' load, if any),
// read from /proc/<pid>/stat.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, plus cutime + cstime: the time of reaped children (the
    // postmaster collects its exited backends' time there).
    return (
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND
    );
  } catch {
    return null;
  }
}

function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function serverPids() {
  const out = { postgres: [], redis: [] };
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const pid of entries) {
    const comm = commOf(pid);
    if (comm === 'postgres' || comm.startsWith('postgres:')) out.postgres.push(pid);
    else if (comm.startsWith('redis-server')) out.redis.push(pid);
  }
  return out;
}

function snapshot(pids) {
  const servers = serverPids();
  const sum = (list) => list.reduce((a, pid) => a + (cpuSecondsOf(pid) ?? 0), 0);
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    receiver: (own.user + own.system) / 1e6,
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid) ?? 0])),
    postgres: sum(servers.postgres),
    redis: sum(servers.redis),
  };
}

/**
 * Starts accounting; `stop()` returns each party's CPU use over the interval
 * as a percentage of one core. A PostgreSQL backend that exits during the
 * interval moves its time to the postmaster's children's time, so it stays
 * counted; one that started and ended inside the interval is counted whole.
 */
export function startCpuAccount(pids = {}) {
  const before = snapshot(pids);
  return {
    stop() {
      const after = snapshot(pids);
      const seconds = (after.at - before.at) / 1000;
      const out = {};
      for (const key of Object.keys(after)) {
        if (key === 'at') continue;
        out[`${key}_pct`] = Math.round(((after[key] - (before[key] ?? 0)) / seconds) * 100);
      }
      return out;
    },
  };
}
