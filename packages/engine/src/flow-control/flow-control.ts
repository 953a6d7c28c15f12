import { randomUUID } from 'node:crypto';
import { type DestinationKey, isDiscordDestination, type RateLimitSignals } from '@scheduler/core';
import {
  destinationKeys,
  type DestinationState,
  flowKey,
  readDestinationStates,
  type Redis,
} from '@scheduler/queue';
import { MicroBatch } from '../micro-batch';
import { ADMIT_ARGS, ADMIT_SCRIPT, RENEW_SCRIPT, SETTLE_SCRIPT } from './scripts';

/** A destination's limits in force (stored overrides over the defaults); null: no rate limit. */
export interface DestinationLimits {
  maxConcurrency: number;
  rateLimitMax: number | null;
  rateLimitPerSeconds: number | null;
}

/** A slot taken for one request; given back by `settle`. */
export interface Lease {
  id: string;
  destination: DestinationKey;
  /** The bucket window it was sent in. */
  generation: number;
  /** When it was admitted, and when its request went out (performance.now()): see markSent. */
  admittedAt: number;
  sentAt?: number;
}

export type Admission =
  | { kind: 'admitted'; lease: Lease }
  /** Held (`heldUntil` known) or at a limit (then recheck after a short while). */
  | { kind: 'wait'; waitMs: number; reason: string; heldUntil: Date | undefined };

/**
 * What a settled answer changed: a hold it started (log it once), the bucket it exhausted,
 * and the job of the run to wake now: ranked first among those waiting for the slot.
 */
export interface Settled {
  newHold: { until: Date; reason: string; global: boolean } | undefined;
  bucketExhaustedUntil: Date | undefined;
  wake: string | undefined;
}

export interface FlowControlOptions {
  redis: Redis;
  prefix: string;
  /** How long a slot outlives its worker: at most the job lock, so a killed worker's slot comes back with its job. */
  leaseTtlMs: number;
  /** DESTINATION_MAX_CONCURRENCY. */
  defaultMaxConcurrency: number;
  /** MAX_CONCURRENT_DELIVERIES; undefined: no cluster-wide cap. */
  maxConcurrentDeliveries?: number | undefined;
  /** A destination's stored limits, if any (kept by the caller, refreshed from PostgreSQL). */
  storedLimits?: (destination: DestinationKey) => Partial<DestinationLimits> | undefined;
}

/** A task's priority when none is known (SPEC §12). */
const DEFAULT_PRIORITY = 5;

/** Above any epoch ms of a due instant (year 2286): due order fits below one step of priority. */
const DUE_SPAN_MS = 1e13;

/**
 * Where a run waiting at a destination stands (SPEC §12): higher priority first, then the
 * earlier due. One number, exact in a Redis score (under 2^53): priority × 10^13 + what is
 * left of 10^13 ms after its due instant.
 */
export function rankOf(priority: number, dueMs: number): number {
  return priority * DUE_SPAN_MS + (DUE_SPAN_MS - Math.min(Math.max(0, Math.floor(dueMs)), DUE_SPAN_MS - 1));
}

type ScriptRunner = (...args: (string | number)[]) => Promise<unknown>;

/** One request to admit, or one to settle, as its script takes it: its own keys and arguments. */
interface ScriptCall {
  keys: string[];
  args: (string | number)[];
}

/** The rank an admission carries (its last argument). */
const rankArg = (call: ScriptCall): number => Number(call.args[ADMIT_ARGS - 1]);

/**
 * SPEC §12 across every worker: per destination, requests in flight, a rate per window,
 * holds learned from 429/503 and Discord's global limit, and pacing by bucket headers —
 * admitted and settled by atomic scripts in Redis. The requests of one turn of the event
 * loop go in one round trip (a busy worker admits and settles dozens at a time, for the
 * cost of one script call); each is decided in turn, as if it came alone. All state is
 * Redis's with expiries: after a Redis restart it starts empty, and nothing is stuck.
 */
export class FlowControl {
  private readonly admits: MicroBatch<ScriptCall, unknown>;
  private readonly settles: MicroBatch<ScriptCall, unknown>;
  private readonly renewScript: ScriptRunner;
  private readonly leases = new Map<string, Lease>();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FlowControlOptions) {
    const redis = options.redis as Redis & Record<string, ScriptRunner | undefined>;
    if (!redis.schedulerFlowAdmit) {
      redis.defineCommand('schedulerFlowAdmit', { lua: ADMIT_SCRIPT });
      redis.defineCommand('schedulerFlowSettle', { lua: SETTLE_SCRIPT });
      redis.defineCommand('schedulerFlowRenew', { lua: RENEW_SCRIPT });
    }
    const batch = (command: string) => (calls: ScriptCall[]) => {
      const shared = [this.key('fc:all:leases'), this.key('fc:discord')];
      const keys = shared.concat(...calls.map((call) => call.keys));
      const args = ([] as (string | number)[]).concat(...calls.map((call) => call.args));
      return (redis[command] as ScriptRunner)(keys.length, ...keys, ...args) as Promise<unknown[]>;
    };
    const admitBatch = batch('schedulerFlowAdmit');
    // A batch is decided in rank order (its answers go back in the callers' order): a run
    // ranked lower never takes the slot that one after it in the same batch should have.
    this.admits = new MicroBatch(async (calls) => {
      const order = calls.map((_, i) => i).sort((x, y) => rankArg(calls[y]!) - rankArg(calls[x]!));
      const answers = await admitBatch(order.map((i) => calls[i]!));
      const inCallersOrder: unknown[] = [];
      order.forEach((i, k) => (inCallersOrder[i] = answers[k]));
      return inCallersOrder;
    });
    this.settles = new MicroBatch(batch('schedulerFlowSettle'));
    this.renewScript = (...args) => (redis.schedulerFlowRenew as ScriptRunner)(...args);
  }

  /** Renews the leases of requests in flight every third of their life. */
  start(): void {
    if (this.renewTimer) return; // started already (its owner, then the worker using it)
    const every = Math.max(500, Math.floor(this.options.leaseTtlMs / 3));
    this.renewTimer = setInterval(() => void this.renew().catch(() => undefined), every);
    this.renewTimer.unref();
  }

  stop(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  limitsOf(destination: DestinationKey): DestinationLimits {
    const stored = this.options.storedLimits?.(destination);
    return {
      maxConcurrency: stored?.maxConcurrency ?? this.options.defaultMaxConcurrency,
      rateLimitMax: stored?.rateLimitMax ?? null,
      rateLimitPerSeconds: stored?.rateLimitPerSeconds ?? null,
    };
  }

  /**
   * Takes a slot for one request to `destination` for the job `jobId`, or says how long to
   * wait. A free slot goes to the run of highest `priority` (1–10) waiting for it.
   */
  async admit(
    destination: DestinationKey,
    jobId: string,
    priority = DEFAULT_PRIORITY,
    dueMs = Date.now(),
  ): Promise<Admission> {
    const limits = this.limitsOf(destination);
    const rate = limits.rateLimitMax !== null && limits.rateLimitPerSeconds !== null;
    const id = randomUUID();
    const k = this.keys(destination);
    // ADMIT_ARGS of them, in the script's order.
    const args = [
      id,
      this.options.leaseTtlMs,
      limits.maxConcurrency,
      rate ? (limits.rateLimitMax ?? 0) : 0,
      rate ? (limits.rateLimitPerSeconds ?? 0) * 1000 : 0,
      this.options.maxConcurrentDeliveries ?? 0,
      isDiscordDestination(destination) ? 1 : 0,
      jobId,
      0,
      rankOf(priority, dueMs),
    ];
    const result = (await this.admits.submit({
      keys: [k.dest, k.leases, k.sent, k.waiting],
      args,
    })) as [number, number, string?, number?];
    if (result[0] === 1) {
      const lease: Lease = { id, destination, generation: Number(result[1]), admittedAt: performance.now() };
      this.leases.set(id, lease);
      return { kind: 'admitted', lease };
    }
    const until = Number(result[3] ?? 0);
    return {
      kind: 'wait',
      waitMs: Number(result[1]),
      reason: String(result[2] ?? 'held'),
      heldUntil: until > 0 ? new Date(until) : undefined,
    };
  }

  /**
   * The request of `lease` goes out now. A rate per window counts a request from its
   * admission; the attempt's row is written between the two, so under load a request may
   * leave a while after it was counted. Its settle moves its place in the window to when it
   * was sent: a receiver counting arrivals then sees no more than the rate either.
   */
  markSent(lease: Lease): void {
    lease.sentAt = performance.now();
  }

  /** Gives the slot back and learns from the answer (none for a request that got no answer). */
  async settle(lease: Lease, httpStatus: number | null, signals: RateLimitSignals = {}): Promise<Settled> {
    this.leases.delete(lease.id);
    const k = this.keys(lease.destination);
    const { hold, bucket } = signals;
    // SETTLE_ARGS of them, in the script's order.
    const args = [
      lease.id,
      lease.generation,
      httpStatus ?? 0,
      hold ? hold.ms : -1,
      hold?.global && isDiscordDestination(lease.destination) ? 1 : 0,
      hold?.reason ?? '',
      bucket ? bucket.limit : -1,
      bucket ? bucket.remaining : -1,
      bucket?.resetAfterMs ?? -1,
      lease.sentAt === undefined ? -1 : Math.max(0, Math.round(lease.sentAt - lease.admittedAt)),
    ];
    const result = (await this.settles.submit({
      keys: [k.dest, k.leases, k.recent429s, k.sent],
      args,
    })) as [number, number, number, string?];
    const heldUntil = Number(result[1]);
    const exhausted = Number(result[2]);
    return {
      wake: result[3] ? String(result[3]) : undefined,
      newHold:
        result[0] === 1 && hold
          ? { until: new Date(heldUntil), reason: hold.reason, global: hold.global }
          : undefined,
      bucketExhaustedUntil: exhausted > 0 ? new Date(exhausted) : undefined,
    };
  }

  /** Each destination's state now (the API reads it the same way). */
  async states(destinations: DestinationKey[]): Promise<Map<DestinationKey, DestinationState>> {
    return readDestinationStates(this.options.redis, this.options.prefix, destinations);
  }

  private async renew(): Promise<void> {
    const leases = [...this.leases.values()];
    if (leases.length === 0) return;
    const keys: string[] = [];
    const ids: string[] = [];
    for (const lease of leases) {
      keys.push(this.keys(lease.destination).leases);
      ids.push(lease.id);
      if (this.options.maxConcurrentDeliveries !== undefined) {
        keys.push(this.key('fc:all:leases'));
        ids.push(lease.id);
      }
    }
    await this.renewScript(keys.length, ...keys, this.options.leaseTtlMs, ...ids);
  }

  private key(name: string): string {
    return flowKey(this.options.prefix, name);
  }

  private keys(destination: DestinationKey) {
    return destinationKeys(this.options.prefix, destination);
  }
}
