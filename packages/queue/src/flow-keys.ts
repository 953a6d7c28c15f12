import type { Redis } from 'ioredis';

/**
 * Where flow control (SPEC §12, packages/engine) keeps its state in Redis: one layout
 * for the worker's scripts and for the readers (API, CLI). See the engine's scripts.ts.
 */
export function flowKey(prefix: string, name: string): string {
  return `${prefix}:${name}`;
}

export function destinationKeys(prefix: string, destination: string) {
  const dest = flowKey(prefix, `fc:dest:${destination}`);
  return {
    dest,
    leases: `${dest}:leases`,
    sent: `${dest}:sent`,
    waiting: `${dest}:waiting`,
    recent429s: `${dest}:429s`,
  };
}

/** Where a change of stored destination limits is announced: workers read the limits again at once. */
export function limitsChangedChannel(prefix: string): string {
  return flowKey(prefix, 'fc:limits-changed');
}

/**
 * Tells every process with flow control that stored limits changed (SPEC §12: a limit set
 * applies across the workers at once, not at their next periodic read). Best effort: a
 * process that misses it reads the limits again within its refresh period anyway.
 */
export async function announceLimitsChanged(redis: Redis, prefix: string): Promise<void> {
  await redis.publish(limitsChangedChannel(prefix), '1').catch(() => undefined);
}

/**
 * The jobs among `runs` that flow control has put off at their destination and that wait
 * for it now (SPEC §12): a held destination, or one at its limit. Waiting, not late (§15).
 */
export async function waitingAtDestination(
  redis: Redis,
  prefix: string,
  runs: readonly { destination: string; jobId: string }[],
): Promise<Set<string>> {
  const waiting = new Set<string>();
  if (runs.length === 0) return waiting;
  const pipeline = redis.pipeline();
  for (const run of runs) pipeline.zscore(destinationKeys(prefix, run.destination).waiting, run.jobId);
  const replies = (await pipeline.exec()) ?? [];
  const now = Date.now();
  runs.forEach((run, index) => {
    const [error, until] = replies[index] ?? [null, null];
    // Scored with when its wait ends (and a margin): a wait that lapsed unseen no longer counts.
    if (!error && Number(until ?? 0) > now) waiting.add(run.jobId);
  });
  return waiting;
}

/** A destination's state in Redis. */
export interface DestinationState {
  inFlight: number;
  heldUntil: Date | null;
  heldReason: string | null;
  waiting: number;
  recent429s: number;
}

const isDiscord = (destination: string) => destination.startsWith('discord:');

/** Each destination's state now, in one pipeline (`GET /api/destinations`, the CLI). */
export async function readDestinationStates(
  redis: Redis,
  prefix: string,
  destinations: string[],
): Promise<Map<string, DestinationState>> {
  const states = new Map<string, DestinationState>();
  if (destinations.length === 0) return states;
  const local = Date.now();
  const pipeline = redis.pipeline();
  pipeline.time();
  pipeline.hmget(flowKey(prefix, 'fc:discord'), 'hold_until', 'hold_reason');
  for (const destination of destinations) {
    const k = destinationKeys(prefix, destination);
    pipeline.hmget(k.dest, 'hold_until', 'hold_reason', 'b_lim', 'b_sent', 'b_end');
    // Entries lapse by score: a dead worker's lease, a wait that ended unseen, a 429 over an hour old.
    pipeline.zcount(k.leases, local, '+inf');
    pipeline.zcount(k.waiting, local, '+inf');
    pipeline.zcount(k.recent429s, local - 3_600_000, '+inf');
  }
  const replies = (await pipeline.exec()) ?? [];
  const value = (i: number): unknown => {
    const [error, reply] = replies[i] ?? [null, null];
    if (error) throw error;
    return reply;
  };
  const [seconds, micros] = value(0) as [string, string];
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const discord = value(1) as [string | null, string | null];
  destinations.forEach((destination, index) => {
    const base = 2 + index * 4;
    const [holdUntil, holdReason, bLim, bSent, bEnd] = value(base) as (string | null)[];
    let held: { until: number; reason: string } | undefined;
    const consider = (until: number, reason: string) => {
      if (until > now && (!held || until > held.until)) held = { until, reason };
    };
    consider(Number(holdUntil ?? 0), holdReason ?? 'held');
    if (isDiscord(destination)) {
      consider(Number(discord[0] ?? 0), discord[1] ?? 'Discord global rate limit');
    }
    if (bLim !== null && bLim !== undefined && Number(bSent ?? 0) >= Number(bLim)) {
      consider(Number(bEnd ?? 0), 'bucket exhausted (X-RateLimit-Remaining: 0)');
    }
    states.set(destination, {
      inFlight: Number(value(base + 1)),
      heldUntil: held ? new Date(held.until) : null,
      heldReason: held?.reason ?? null,
      waiting: Number(value(base + 2)),
      recent429s: Number(value(base + 3)),
    });
  });
  return states;
}
