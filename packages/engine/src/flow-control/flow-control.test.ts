import { clearPrefix, testRedis, uniquePrefix } from '@scheduler/test-support';
import type { Redis } from '@scheduler/queue';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Admission, FlowControl, type FlowControlOptions, type Lease } from './flow-control';

// Flow control against the real Redis: what two workers sharing it would see.
let redis: Redis;
let prefix: string;
beforeEach(() => {
  redis ??= testRedis();
  prefix = uniquePrefix();
});
afterEach(async () => clearPrefix(redis, prefix));
afterAll(async () => redis?.quit());

const flowWith = (options: Partial<FlowControlOptions> = {}) =>
  new FlowControl({ redis, prefix, leaseTtlMs: 10_000, defaultMaxConcurrency: 3, ...options });

function admitted(admission: Admission): Lease {
  if (admission.kind !== 'admitted') throw new Error(`expected a slot, got a wait: ${admission.reason}`);
  return admission.lease;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FlowControl', () => {
  it('admits max_concurrency requests across workers, then makes the next wait until one is given back', async () => {
    const [a, b] = [flowWith(), flowWith()];
    const leases = [
      admitted(await a.admit('http://x:80', 'j1')),
      admitted(await b.admit('http://x:80', 'j2')),
      admitted(await a.admit('http://x:80', 'j3')),
    ];
    const waiting = await b.admit('http://x:80', 'j4');
    expect(waiting).toMatchObject({ kind: 'wait', reason: 'max_concurrency', heldUntil: undefined });
    // Another destination is not slowed by this one.
    admitted(await b.admit('http://y:80', 'j5'));
    expect((await a.states(['http://x:80'])).get('http://x:80')).toMatchObject({ inFlight: 3, waiting: 1 });
    await a.settle(leases[0]!, 200);
    admitted(await b.admit('http://x:80', 'j4'));
    expect((await a.states(['http://x:80'])).get('http://x:80')).toMatchObject({ inFlight: 3, waiting: 0 });
  });

  it('gives a slot that comes free to the run of highest priority waiting for it, whichever looks first', async () => {
    const [a, b] = [flowWith({ defaultMaxConcurrency: 1 }), flowWith({ defaultMaxConcurrency: 1 })];
    const busy = admitted(await a.admit('http://x:80', 'busy'));
    expect(await a.admit('http://x:80', 'low', 1)).toMatchObject({ kind: 'wait', reason: 'max_concurrency' });
    expect(await b.admit('http://x:80', 'high', 10)).toMatchObject({
      kind: 'wait',
      reason: 'max_concurrency',
    });
    await a.settle(busy, 200);
    // The low one looks first: the slot is kept for the high one, waiting on another worker.
    expect(await a.admit('http://x:80', 'low', 1)).toMatchObject({
      kind: 'wait',
      reason: 'a run ranked above it (priority, then due order) waits for it',
    });
    // Nor does a run arriving now jump ahead of it.
    expect((await a.admit('http://x:80', 'new', 5)).kind).toBe('wait');
    const high = admitted(await b.admit('http://x:80', 'high', 10));
    await b.settle(high, 200);
    // Then the next by priority: 5 before 1.
    expect(await a.admit('http://x:80', 'low', 1)).toMatchObject({ kind: 'wait' });
    admitted(await a.admit('http://x:80', 'new', 5));
  });

  it('within a priority, the earlier due gets the slot, and the settle that frees it says whom to wake', async () => {
    const flow = flowWith({ defaultMaxConcurrency: 1 });
    const due = Date.parse('2026-12-08T10:00:00Z');
    const busy = admitted(await flow.admit('http://x:80', 'busy', 5, due));
    // Put off in this order: the later-due first.
    expect((await flow.admit('http://x:80', 'second', 5, due + 2000)).kind).toBe('wait');
    expect((await flow.admit('http://x:80', 'first', 5, due + 1000)).kind).toBe('wait');
    expect((await flow.settle(busy, 200)).wake).toBe('first');
    // The later-due looks first: the slot is kept for the earlier one.
    expect(await flow.admit('http://x:80', 'second', 5, due + 2000)).toMatchObject({
      kind: 'wait',
      reason: 'a run ranked above it (priority, then due order) waits for it',
    });
    const first = admitted(await flow.admit('http://x:80', 'first', 5, due + 1000));
    expect((await flow.settle(first, 200)).wake).toBe('second');
    const second = admitted(await flow.admit('http://x:80', 'second', 5, due + 2000));
    // Nobody waits now: nobody to wake.
    expect((await flow.settle(second, 200)).wake).toBeUndefined();
  });

  it('a batch is decided in rank order, whatever order its callers came in', async () => {
    const flow = flowWith({ defaultMaxConcurrency: 1 });
    const due = Date.parse('2026-12-08T10:00:00Z');
    const [late, early] = await Promise.all([
      flow.admit('http://x:80', 'late', 5, due + 1000),
      flow.admit('http://x:80', 'early', 5, due),
    ]);
    expect(early.kind).toBe('admitted');
    expect(late).toMatchObject({ kind: 'wait', reason: 'max_concurrency' });
  });

  it('a run of higher priority whose wait lapsed (cancelled, say) holds nothing up', async () => {
    const flow = flowWith({ defaultMaxConcurrency: 1 });
    const busy = admitted(await flow.admit('http://x:80', 'busy'));
    expect((await flow.admit('http://x:80', 'gone', 10)).kind).toBe('wait');
    await flow.settle(busy, 200);
    // Its wait ends unseen: the entry is scored with its end (plus a margin), here made past.
    await redis.zadd(`${prefix}:fc:dest:http://x:80:waiting`, Date.now() - 1, 'gone');
    admitted(await flow.admit('http://x:80', 'other', 1));
  });

  it('admits requests of one turn in one round trip, each in turn: the limit holds within a batch', async () => {
    const flow = flowWith();
    const calls: unknown[] = [];
    const monitor = await redis.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (/^eval/i.test(args[0] ?? '') && args.includes(`${prefix}:fc:all:leases`)) calls.push(args[0]);
    });
    const admissions = await Promise.all(
      ['j1', 'j2', 'j3', 'j4', 'j5'].map((job) => flow.admit('http://x:80', job)),
    );
    const leases = admissions.filter((a) => a.kind === 'admitted').map(admitted);
    expect(admissions.map((a) => a.kind)).toEqual(['admitted', 'admitted', 'admitted', 'wait', 'wait']);
    await Promise.all(leases.map((lease) => flow.settle(lease, 200)));
    expect((await flow.states(['http://x:80'])).get('http://x:80')).toMatchObject({
      inFlight: 0,
      waiting: 2,
    });
    monitor.disconnect();
    // Five admits, then three settles: one script call each.
    expect(calls).toHaveLength(2);
  });

  it("a killed worker's slot comes back when its lease lapses (no longer than the job lock)", async () => {
    const dead = flowWith({ leaseTtlMs: 400, defaultMaxConcurrency: 1 });
    admitted(await dead.admit('http://x:80', 'j1')); // never settled: its worker was killed
    const alive = flowWith({ leaseTtlMs: 400, defaultMaxConcurrency: 1 });
    expect((await alive.admit('http://x:80', 'j2')).kind).toBe('wait');
    await sleep(500);
    admitted(await alive.admit('http://x:80', 'j2'));
  });

  it('a lease renewed while its request is in flight keeps its slot', async () => {
    const flow = flowWith({ leaseTtlMs: 600, defaultMaxConcurrency: 1 });
    flow.start();
    try {
      admitted(await flow.admit('http://x:80', 'j1'));
      await sleep(1000);
      expect((await flowWith({ defaultMaxConcurrency: 1 }).admit('http://x:80', 'j2')).kind).toBe('wait');
    } finally {
      flow.stop();
    }
  });

  it('a 429 with retry_after holds the destination for every worker, and says so once', async () => {
    const [a, b] = [flowWith(), flowWith()];
    const lease = admitted(await a.admit('http://x:80', 'j1'));
    const other = admitted(await b.admit('http://x:80', 'j2'));
    const hold = { ms: 800, reason: 'HTTP 429 with retry_after 0.8 s', global: false, capped: false };
    const first = await a.settle(lease, 429, { hold });
    expect(first.newHold?.reason).toBe(hold.reason);
    // The same hold learned again by another request of the burst is not a new one.
    expect((await b.settle(other, 429, { hold: { ...hold, ms: 700 } })).newHold).toBeUndefined();
    const waiting = await b.admit('http://x:80', 'j3');
    expect(waiting).toMatchObject({ kind: 'wait', reason: hold.reason });
    expect(waiting.kind === 'wait' && waiting.waitMs).toBeGreaterThan(600);
    const state = (await a.states(['http://x:80'])).get('http://x:80');
    expect(state?.heldReason).toBe(hold.reason);
    expect(state?.recent429s).toBe(2);
    expect(state?.heldUntil?.getTime()).toBeGreaterThan(Date.now() + 500);
    await sleep(850);
    admitted(await b.admit('http://x:80', 'j3'));
  });

  it("Discord's global flag holds every Discord destination, not others", async () => {
    const flow = flowWith();
    const lease = admitted(await flow.admit('discord:1', 'j1'));
    await flow.settle(lease, 429, {
      hold: { ms: 1000, reason: 'Discord global', global: true, capped: false },
    });
    expect(await flow.admit('discord:2', 'j2')).toMatchObject({ kind: 'wait', reason: 'Discord global' });
    admitted(await flow.admit('http://x:80', 'j3'));
    expect((await flow.states(['discord:2'])).get('discord:2')?.heldReason).toBe('Discord global');
  });

  it('paces a Discord bucket: one request until it is known, then its remaining count, then nothing until the reset', async () => {
    const [a, b] = [flowWith({ defaultMaxConcurrency: 10 }), flowWith({ defaultMaxConcurrency: 10 })];
    const first = admitted(await a.admit('discord:9', 'j0'));
    expect(await b.admit('discord:9', 'j1')).toMatchObject({ kind: 'wait', heldUntil: undefined });
    const settled = await a.settle(first, 204, { bucket: { limit: 3, remaining: 2, resetAfterMs: 600 } });
    expect(settled.bucketExhaustedUntil).toBeUndefined();
    const leases = [admitted(await b.admit('discord:9', 'j1')), admitted(await a.admit('discord:9', 'j2'))];
    const held = await b.admit('discord:9', 'j3');
    expect(held).toMatchObject({ kind: 'wait' });
    expect(held.kind === 'wait' && held.heldUntil).toBeInstanceOf(Date);
    const done = await b.settle(leases[1]!, 204, { bucket: { limit: 3, remaining: 0, resetAfterMs: 550 } });
    expect(done.bucketExhaustedUntil).toBeInstanceOf(Date);
    await b.settle(leases[0]!, 204, { bucket: { limit: 3, remaining: 1, resetAfterMs: 560 } });
    await sleep(650);
    // A new window: three more.
    for (const job of ['j3', 'j4', 'j5']) admitted(await a.admit('discord:9', job));
    expect((await a.admit('discord:9', 'j6')).kind).toBe('wait');
  });

  it('Remaining: 0 from another sender holds before any 429; an answer of an older window changes nothing', async () => {
    const flow = flowWith();
    const old = admitted(await flow.admit('discord:5', 'j0'));
    await flow.settle(old, 204, { bucket: { limit: 5, remaining: 0, resetAfterMs: 300 } });
    expect((await flow.admit('discord:5', 'j1')).kind).toBe('wait');
    await sleep(350);
    const lease = admitted(await flow.admit('discord:5', 'j1'));
    expect(lease.generation).toBe(old.generation + 1);
    // A late answer of the last window says nothing of this one.
    await flow.settle({ ...old, id: 'late' }, 204, {
      bucket: { limit: 5, remaining: 0, resetAfterMs: 5000 },
    });
    admitted(await flow.admit('discord:5', 'j2'));
  });

  it('a rate per window, from stored limits', async () => {
    const flow = flowWith({ storedLimits: () => ({ rateLimitMax: 2, rateLimitPerSeconds: 1 }) });
    for (const job of ['j1', 'j2']) await flow.settle(admitted(await flow.admit('http://x:80', job)), 200);
    const waiting = await flow.admit('http://x:80', 'j3');
    expect(waiting).toMatchObject({ kind: 'wait', reason: 'rate limit' });
    expect(waiting.kind === 'wait' && waiting.waitMs).toBeGreaterThan(800);
  });

  it('a rate per window counts a request from when it was sent, not admitted: a receiver sees no more than the rate', async () => {
    const flow = flowWith({ storedLimits: () => ({ rateLimitMax: 2, rateLimitPerSeconds: 1 }) });
    const late = admitted(await flow.admit('http://x:80', 'j1'));
    const prompt = admitted(await flow.admit('http://x:80', 'j2'));
    // The first left 600 ms after its admission (its attempt's row was slow to write), the other at once.
    late.admittedAt -= 600;
    flow.markSent(late);
    flow.markSent(prompt);
    await flow.settle(late, 200);
    await flow.settle(prompt, 200);
    await sleep(1050);
    // A second after both admissions only the prompt one has left the window: one more may go, not two.
    admitted(await flow.admit('http://x:80', 'j3'));
    const waiting = await flow.admit('http://x:80', 'j4');
    expect(waiting).toMatchObject({ kind: 'wait', reason: 'rate limit' });
    expect(waiting.kind === 'wait' && waiting.waitMs).toBeGreaterThan(400);
  });

  it('MAX_CONCURRENT_DELIVERIES caps requests in flight across destinations', async () => {
    const flow = flowWith({ maxConcurrentDeliveries: 2 });
    const lease = admitted(await flow.admit('http://x:80', 'j1'));
    admitted(await flow.admit('http://y:80', 'j2'));
    expect(await flow.admit('http://z:80', 'j3')).toMatchObject({
      kind: 'wait',
      reason: 'MAX_CONCURRENT_DELIVERIES',
    });
    await flow.settle(lease, 200);
    admitted(await flow.admit('http://z:80', 'j3'));
  });

  it('after Redis loses its state (a restart), limits and holds start empty and nothing is stuck', async () => {
    const flow = flowWith({ defaultMaxConcurrency: 1 });
    const lease = admitted(await flow.admit('discord:7', 'j1'));
    await flow.settle(lease, 429, { hold: { ms: 60_000, reason: 'held', global: true, capped: false } });
    admitted(await flow.admit('http://x:80', 'j2'));
    await clearPrefix(redis, prefix);
    const restarted = admitted(await flow.admit('discord:7', 'j3'));
    admitted(await flow.admit('http://x:80', 'j4'));
    // A slot of before the restart given back afterwards changes nothing.
    await flow.settle(lease, 200, { bucket: { limit: 5, remaining: 4, resetAfterMs: 1000 } });
    await flow.settle(restarted, 204);
  });
});
