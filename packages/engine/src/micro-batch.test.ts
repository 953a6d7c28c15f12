import { expect, test } from 'vitest';
import { MicroBatch } from './micro-batch';

test('calls made in the same turn go out as one batch, each caller getting its own result', async () => {
  const batches: number[][] = [];
  const batch = new MicroBatch<number, number>(async (items) => {
    batches.push(items);
    return items.map((n) => n * 10);
  });
  const results = await Promise.all([1, 2, 3].map((n) => batch.submit(n)));
  expect(results).toEqual([10, 20, 30]);
  expect(batches).toEqual([[1, 2, 3]]);
});

test('items arriving while batches are in flight are gathered into the next batch, up to the size cap', async () => {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const batch = new MicroBatch<number, number>(
    async (items) => {
      batches.push(items);
      await gate;
      return items;
    },
    { maxSize: 2, maxInFlight: 1 },
  );
  const first = batch.submit(1);
  await new Promise((resolve) => setImmediate(resolve));
  const rest = [2, 3, 4].map((n) => batch.submit(n));
  await new Promise((resolve) => setImmediate(resolve));
  expect(batches).toEqual([[1]]);
  release();
  expect(await Promise.all([first, ...rest])).toEqual([1, 2, 3, 4]);
  expect(batches).toEqual([[1], [2, 3], [4]]);
});

test('a failed batch rejects every caller in it, and later batches still run', async () => {
  let calls = 0;
  const batch = new MicroBatch<number, number>(async (items) => {
    calls += 1;
    if (calls === 1) throw new Error('database unreachable');
    return items;
  });
  const failed = await Promise.allSettled([batch.submit(1), batch.submit(2)]);
  expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(await batch.submit(3)).toBe(3);
});

test('a batch failing for a reason that splitting can isolate goes out again item by item: only the bad item fails', async () => {
  const batches: number[][] = [];
  const fault = Object.assign(new Error('value too long'), { code: '22001' });
  const batch = new MicroBatch<number, number>(
    async (items) => {
      batches.push(items);
      if (items.includes(13)) throw fault;
      return items.map((n) => n * 10);
    },
    { splitOn: (error) => error === fault },
  );
  const settled = await Promise.allSettled([12, 13, 14].map((n) => batch.submit(n)));
  expect(settled).toEqual([
    { status: 'fulfilled', value: 120 },
    { status: 'rejected', reason: fault },
    { status: 'fulfilled', value: 140 },
  ]);
  expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
});

test('a batch failing for any other reason (an outage) is not split: every caller gets the error at once', async () => {
  let calls = 0;
  const outage = new Error('Connection terminated unexpectedly');
  const batch = new MicroBatch<number, number>(
    async () => {
      calls += 1;
      throw outage;
    },
    { splitOn: (error) => error !== outage },
  );
  const settled = await Promise.allSettled([1, 2, 3].map((n) => batch.submit(n)));
  expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  expect(calls).toBe(1);
});
