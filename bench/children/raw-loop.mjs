// L0 of the throughput ladder: the raw stack's ceiling. `concurrency` loops
// POST the payload over one pooled client until `n` deliveries are done.
import { payloadFor } from '../lib/payload.mjs';
import { argsOf, on, send } from './ipc.mjs';
import { createPoster } from './post-client.mjs';

const args = argsOf();
const n = Number(args.n);
const concurrency = Number(args.concurrency);
const poster = createPoster(concurrency);

on('go', async () => {
  const startedAt = Date.now();
  let next = 0;
  const loop = async () => {
    while (next < n) {
      const i = next++;
      await poster.post(args.url, payloadFor(`${args.ids}-${i}`));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  send({ type: 'done', startedAt, endedAt: Date.now() });
});
on('stop', async () => {
  await poster.close();
  process.exit(0);
});

send({ type: 'ready' });
