// A bare BullMQ worker that only POSTs: L1 of the throughput ladder, and the
// consumer of the job-schedulers peer design. Same worker settings as the
// product's (concurrency, lock duration, stalled checks), no database.
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { argsOf, fail, on, send } from './ipc.mjs';
import { createPoster } from './post-client.mjs';

const args = argsOf();
const concurrency = Number(args.concurrency);
const poster = createPoster(concurrency);
const connection = new IORedis(args.redis, { maxRetriesPerRequest: null });
connection.on('error', () => undefined);

const worker = new Worker(args.queue, (job) => poster.post(job.data.url, job.data.payload), {
  connection,
  prefix: args.prefix,
  concurrency,
  autorun: args.autorun === 'true',
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
  // The product's job options name its own backoff type; a failed POST is retried a second later.
  settings: { backoffStrategy: () => 1000 },
});
worker.on('error', (error) => process.stderr.write(`bullmq-worker: ${error.message}\n`));

let completed = 0;
let failed = 0;
let expected = Number.POSITIVE_INFINITY;
const check = () => {
  if (completed + failed >= expected) {
    expected = Number.POSITIVE_INFINITY;
    send({ type: 'done', endedAt: Date.now(), completed, failed });
  }
};
worker.on('completed', () => {
  completed += 1;
  check();
});
worker.on('failed', () => {
  failed += 1;
  check();
});

/** Reports `done` once this many jobs (counted since start) have ended. */
on('expect', ({ count }) => {
  expected = count;
  check();
});
on('go', () => {
  send({ type: 'started', startedAt: Date.now() });
  worker.run().catch(fail);
});
on('stop', async () => {
  await worker.close();
  await poster.close();
  await connection.quit();
  process.exit(0);
});

worker
  .waitUntilReady()
  .then(() => send({ type: 'ready' }))
  .catch(fail);
