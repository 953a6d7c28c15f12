// The receiver every design POSTs to: a bare node:http server on loopback that
// timestamps each arrival (wall clock, when the request's headers are in) and
// keeps every arrival per task id, so lateness and duplicates per (task, due
// instant) can be computed after the fact. Payloads carry the task id as `id`.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} Receiver
 * @property {string} url
 * @property {() => number} count  arrivals so far, all tasks
 * @property {(id: string) => number[]} arrivalsOf  arrival times (ms since epoch) of one task
 * @property {(ids: string[]) => Group} track  start counting distinct arrivals among these ids
 * @property {(group: Group, timeoutMs: number) => Promise<boolean>} waitForGroup  every id arrived at least once
 * @property {(id: string, n: number, timeoutMs: number) => Promise<boolean>} waitForArrivals  one id arrived n times
 * @property {() => Promise<void>} close
 */

/** @typedef {{ size: number, arrived: number, firstAt: number, lastAt: number }} Group */

/** @returns {Promise<Receiver>} */
export async function startReceiver() {
  /** @type {Map<string, number[]>} */
  const arrivals = new Map();
  /** @type {Map<string, Group>} */
  const groups = new Map();
  let total = 0;
  let unreadable = 0;
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let id;
      try {
        id = JSON.parse(Buffer.concat(chunks).toString('utf8')).id;
      } catch {
        id = undefined;
      }
      if (typeof id === 'string') {
        const times = arrivals.get(id);
        if (times) times.push(at);
        else {
          arrivals.set(id, [at]);
          const group = groups.get(id);
          if (group) {
            group.arrived += 1;
            if (group.arrived === 1) group.firstAt = at;
            group.lastAt = at;
          }
        }
        total += 1;
      } else {
        unreadable += 1;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const poll = async (done, timeoutMs, everyMs) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) return false;
      await sleep(everyMs);
    }
    return true;
  };

  return {
    url: `http://127.0.0.1:${port}/hook`,
    count: () => total,
    unreadable: () => unreadable,
    arrivalsOf: (id) => arrivals.get(id) ?? [],
    track(ids) {
      const group = { size: ids.length, arrived: 0, firstAt: 0, lastAt: 0 };
      for (const id of ids) {
        groups.set(id, group);
        const times = arrivals.get(id);
        if (times) {
          group.arrived += 1;
          group.firstAt = group.firstAt ? Math.min(group.firstAt, times[0]) : times[0];
          group.lastAt = Math.max(group.lastAt, times[0]);
        }
      }
      return group;
    },
    waitForGroup: (group, timeoutMs) => poll(() => group.arrived >= group.size, timeoutMs, 5),
    waitForArrivals: (id, n, timeoutMs) => poll(() => (arrivals.get(id)?.length ?? 0) >= n, timeoutMs, 5),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Lateness of a one-shot burst: every task is due once, at `due`. The first
 * arrival of a task is its delivery; any further arrival is a duplicate; a
 * task with none is missed.
 */
export function burstOutcome(receiver, ids, due) {
  const latenesses = [];
  let duplicates = 0;
  let missed = 0;
  for (const id of ids) {
    const times = receiver.arrivalsOf(id);
    if (times.length === 0) missed += 1;
    else {
      latenesses.push(Math.min(...times) - due.getTime());
      duplicates += times.length - 1;
    }
  }
  return { latenesses, duplicates, missed };
}
