import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from './connection';

/** The processes that beat (SPEC §15): the API counts them in /health. */
export type BeatingRole = 'publisher' | 'worker';

/** A process counts as alive when its last beat is at most this old. */
export const HEARTBEAT_ALIVE_MS = 15_000;
/** How often a process beats: three beats fit in the window, so one lost beat is no death. */
export const HEARTBEAT_EVERY_MS = 5_000;
/** Beats older than this are swept from the set. */
const FORGET_AFTER_MS = 3_600_000;

/** One process, as its beats name it. */
export interface ProcessBeat {
  id: string;
  host: string;
  pid: number;
  started_at: string;
  /** When its last beat arrived, on Redis's clock. */
  last_seen: string;
}

const heartbeatKey = (prefix: string, role: BeatingRole) => `${prefix}:heartbeats:${role}`;

/**
 * Beats are scored on Redis's own clock (TIME), so hosts whose clocks drift
 * still agree on who is alive. One sorted set per role, a member per process.
 */
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return now`;

const ALIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf', 'WITHSCORES')`;

/** A process's heartbeat: a beat now and every HEARTBEAT_EVERY_MS, withdrawn on stop. */
export class Heartbeat {
  private readonly member: string;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<unknown> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly role: BeatingRole,
    private readonly everyMs = HEARTBEAT_EVERY_MS,
  ) {
    this.member = JSON.stringify({
      id: randomUUID(),
      host: hostname(),
      pid: process.pid,
      started_at: new Date().toISOString(),
    });
  }

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.everyMs);
  }

  /** Withdraws the beat, so the process stops counting at once rather than after the window. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await this.redis.zrem(heartbeatKey(this.prefix, this.role), this.member).catch(() => undefined);
  }

  private beat(): void {
    // One beat in flight at most: while Redis is away, beats do not pile up behind it.
    if (this.beating) return;
    this.beating = this.redis
      .eval(BEAT, 1, heartbeatKey(this.prefix, this.role), this.member, FORGET_AFTER_MS)
      .catch(() => undefined)
      .finally(() => {
        this.beating = undefined;
      });
  }
}

/** The processes of a role whose last beat is within HEARTBEAT_ALIVE_MS, most recent first. */
export async function aliveProcesses(
  redis: Redis,
  prefix: string,
  role: BeatingRole,
): Promise<ProcessBeat[]> {
  const reply = (await redis.eval(ALIVE, 1, heartbeatKey(prefix, role), HEARTBEAT_ALIVE_MS)) as string[];
  const alive: ProcessBeat[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    try {
      const member = JSON.parse(reply[i] ?? '') as Omit<ProcessBeat, 'last_seen'>;
      alive.push({ ...member, last_seen: new Date(Number(reply[i + 1])).toISOString() });
    } catch {
      // Not one of ours: ignored.
    }
  }
  return alive.reverse();
}
