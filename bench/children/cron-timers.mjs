// Peer design (b): one in-process cron timer per task, the @nestjs/schedule /
// node-cron design, here with croner (the cron library the product's own
// schedule maths uses). Each timer fires at its task's due instant and POSTs
// the payload through one pooled client; nothing is persisted or queued.
import { Cron } from 'croner';
import { payloadFor } from '../lib/payload.mjs';
import { argsOf, on, send } from './ipc.mjs';
import { createPoster } from './post-client.mjs';

const args = argsOf();
const poster = createPoster(Number(args.concurrency));
/** @type {Cron[]} */
const jobs = [];
let errors = 0;

/** A six-field (seconds first) pattern matching only this second of the year, in UTC. */
function patternFor(due) {
  const d = new Date(due);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
}

on('schedule', ({ url, due, ids }) => {
  const startedAt = Date.now();
  const pattern = patternFor(due);
  for (const id of ids) {
    jobs.push(
      new Cron(pattern, { timezone: 'UTC', maxRuns: 1 }, () =>
        poster.post(url, payloadFor(id)).catch(() => {
          errors += 1;
        }),
      ),
    );
  }
  const next = jobs.at(-1)?.nextRun()?.getTime();
  send({ type: 'scheduled', setupMs: Date.now() - startedAt, nextRun: next, errors });
});
on('calibrate', ({ count }) => {
  const started = performance.now();
  const pattern = patternFor(Date.now() + 300 * 24 * 3_600_000);
  const throwaway = Array.from(
    { length: count },
    () => new Cron(pattern, { timezone: 'UTC', maxRuns: 1 }, () => undefined),
  );
  const msPerTask = (performance.now() - started) / count;
  for (const job of throwaway) job.stop();
  send({ type: 'calibrated', msPerTask });
});
on('stop', async () => {
  for (const job of jobs) job.stop();
  await poster.close();
  process.exit(0);
});

send({ type: 'ready' });
