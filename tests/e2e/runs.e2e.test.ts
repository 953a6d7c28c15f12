import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EventPublisher, eventsChannel, type LiveEvent, parseLiveEvents } from '@scheduler/queue';
import { RunService } from '@scheduler/services';
import { startSystem, type SystemUnderTest, testRedis, waitFor } from '@scheduler/test-support';

let system: SystemUnderTest;

/**
 * A receiver that records each request (its body, when it arrived, when its
 * connection closed) and answers as `answer` says: a status, or never (held open).
 */
interface Received {
  body: unknown;
  at: number;
  closedAt?: number;
}
let received: Received[] = [];
let answer: (request: IncomingMessage) => number | 'hold' = () => 200;
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  system = await startSystem({ retryBackoffMs: 1500 });
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Received = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')), at: Date.now() };
      received.push(entry);
      response.on('close', () => {
        entry.closedAt = Date.now();
      });
      const status = answer(request);
      if (status !== 'hold')
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await system?.stop();
});

/** Run use-cases as the API and the CLI have them, over the system's database and queue. */
const runService = (events?: EventPublisher) =>
  new RunService({
    runs: system.database.runs,
    tasks: system.taskService,
    queue: system.queue,
    redis: system.redis,
    prefix: system.prefix,
    events,
  });

const runsOf = async (taskId: string) =>
  (await system.database.runs.list({ page: 1, limit: 50, taskId })).rows;

async function oneTimeTask(name: string, maxRetry = 0) {
  return system.taskService.create({
    task_name: name,
    run_at: new Date().toISOString(),
    webhook_url: receiverUrl,
    json_payload: { content: name },
    max_retry: maxRetry,
  });
}

test('a one-time task fires once: one run, one request, then nothing is due', async () => {
  received = [];
  answer = () => 200;
  const task = await oneTimeTask('once');
  await waitFor('its run to finish', async () => (await runsOf(task.id))[0]?.status === 'finish');
  await new Promise((resolve) => setTimeout(resolve, 2000)); // ticks that would fire it again
  expect(received.map((r) => r.body)).toEqual([{ content: 'once' }]);
  expect(await runsOf(task.id)).toMatchObject([
    { trigger: 'schedule', status: 'finish', attempt_count: 1, http_status: 200 },
  ]);
  expect(await system.database.tasks.findById(task.id)).toMatchObject({
    task_status: 'ready',
    next_run_at: null,
  });
});

test('cancel aborts the attempt in flight within 1 s; it is recorded cancelled and nothing more is sent', async () => {
  received = [];
  answer = () => 'hold';
  const task = await oneTimeTask('held', 3);
  await waitFor('the request to arrive', async () => received.length === 1);
  const [run] = await runsOf(task.id);
  expect(run).toMatchObject({ status: 'running', attempt_count: 1 });

  // What the dashboards hear of it (SPEC §15): the attempt's end as well as the run's.
  const subscriber = testRedis();
  const events: LiveEvent[] = [];
  subscriber.on('message', (_channel: string, message: string) => events.push(...parseLiveEvents(message)));
  await subscriber.subscribe(eventsChannel(system.prefix));
  const publisher = new EventPublisher(system.redis, system.prefix);

  const cancelledAt = Date.now();
  const cancelled = await runService(publisher).cancel(run!.id);
  publisher.flush();
  expect(cancelled.status).toBe('cancelled');
  await waitFor('the request to be closed', async () => received[0]?.closedAt !== undefined, 5000);
  expect(received[0]!.closedAt! - cancelledAt).toBeLessThan(1000);

  await new Promise((resolve) => setTimeout(resolve, 2500)); // longer than the retry backoff
  expect(received).toHaveLength(1);
  const attempts = await system.database.runs.attemptsOf(run!.id);
  expect(attempts).toMatchObject([{ status: 'cancelled', retry_count: 0 }]);
  const ofRun = events.filter((e) => e.data.run_id === run!.id);
  expect(ofRun.find((e) => e.event === 'attempt.finished')?.data).toMatchObject({
    attempt_id: attempts[0]!.id,
    status: 'cancelled',
    retry_count: 0,
  });
  expect(ofRun.find((e) => e.event === 'run.finished')?.data).toMatchObject({ status: 'cancelled' });
  await subscriber.quit();
  expect(await system.database.tasks.findById(task.id)).toMatchObject({ task_status: 'ready', job_id: null });
  expect(await runsOf(task.id)).toMatchObject([{ status: 'cancelled' }]);
});

test('deleting a task aborts its request in flight within 1 s: its destination gets its slot back at once', async () => {
  received = [];
  answer = () => 'hold';
  const task = await oneTimeTask('deleted mid-request', 3);
  await waitFor('the request to arrive', async () => received.length === 1);
  const leases = `${system.prefix}:fc:dest:${new URL(receiverUrl).origin}:leases`;
  expect(await system.redis.zcard(leases)).toBe(1);

  const deletedAt = Date.now();
  await system.taskService.delete(task.id);
  await waitFor('the request to be closed', async () => received[0]?.closedAt !== undefined, 5000);
  expect(received[0]!.closedAt! - deletedAt).toBeLessThan(1000);
  await waitFor('the slot given back', async () => (await system.redis.zcard(leases)) === 0, 2000);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // longer than the retry backoff
  expect(received).toHaveLength(1);
});

test('a retry waiting out its backoff, cancelled, never fires; retried with an edited payload, that payload is sent', async () => {
  received = [];
  answer = () => 500;
  const task = await oneTimeTask('flaky', 3);
  await waitFor('the first attempt to fail', async () => {
    const [attempt] = await system.database.attempts.listForTask(task.id, 5);
    return attempt?.status === 'failed';
  });
  const [run] = await runsOf(task.id);
  expect(run).toMatchObject({ status: 'running', attempt_count: 1 });
  const runs = runService();
  await runs.cancelForTask(task.id);
  await new Promise((resolve) => setTimeout(resolve, 3000)); // past the 1.5 s backoff
  expect(received).toHaveLength(1);
  expect(await system.queue.getJobCounts('delayed', 'waiting', 'prioritized', 'active')).toMatchObject({
    delayed: 0,
    waiting: 0,
    prioritized: 0,
    active: 0,
  });

  answer = () => 200;
  const retry = await runs.retry(run!.id, { json_payload: { content: 'edited', n: 2 } });
  expect(retry).toMatchObject({ trigger: 'retry', retry_of: run!.id });
  await waitFor('the retry to finish', async () => (await runs.get(retry.id)).status === 'finish');
  expect(received.at(-1)?.body).toEqual({ content: 'edited', n: 2 });
  // The task's own payload is unchanged.
  expect((await system.database.tasks.findById(task.id))?.json_payload).toEqual({ content: 'flaky' });
});

test('a one-time task paused between its claim and its request sends nothing', async () => {
  received = [];
  answer = () => 200;
  // No worker takes jobs while the task is claimed: the run stays queued.
  await Promise.all(system.workers.map((worker) => worker.stop('SIGTERM')));
  system.workers.length = 0;
  const task = await oneTimeTask('paused in time');
  await waitFor('its run to be claimed', async () => (await runsOf(task.id))[0]?.status === 'queued');
  const paused = await system.taskService.toggle(task.id);
  expect(paused).toMatchObject({ enabled: false, task_status: 'ready' });
  expect(await runsOf(task.id)).toMatchObject([{ status: 'cancelled' }]);
  await system.startWorker();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(received).toEqual([]);
});

test('a one-time task retimed, or deleted, between its claim and its request sends nothing on the old settings', async () => {
  received = [];
  answer = () => 200;
  await Promise.all(system.workers.map((worker) => worker.stop('SIGTERM')));
  system.workers.length = 0;
  const retimed = await oneTimeTask('retimed');
  const deleted = await oneTimeTask('deleted');
  await waitFor('both runs to be claimed', async () => {
    const runs = [...(await runsOf(retimed.id)), ...(await runsOf(deleted.id))];
    return runs.length === 2 && runs.every((run) => run.status === 'queued');
  });
  const later = new Date(Date.now() + 3_600_000);
  const updated = await system.taskService.update(retimed.id, { run_at: later.toISOString() });
  expect(updated).toMatchObject({ task_status: 'ready', next_run_at: later });
  expect(await runsOf(retimed.id)).toMatchObject([
    {
      status: 'cancelled',
      message: expect.stringMatching(/changed or paused after this run was claimed/) as unknown,
    },
  ]);
  await system.taskService.delete(deleted.id);
  await system.startWorker();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(received).toEqual([]);
  expect(await system.database.tasks.findById(retimed.id)).toMatchObject({
    task_status: 'ready',
    next_run_at: later,
  });
});

test("cancels racing their attempts' start: each run has one outcome, its task agrees, and nothing is recorded after a cancel", async () => {
  received = [];
  answer = () => 200;
  if (system.workers.length === 0) await system.startWorker();
  const tasks = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      system.taskService.create({
        task_name: `race ${i}`,
        task_schedule: '0 0 1 1 *',
        webhook_url: receiverUrl,
        json_payload: { i },
      }),
    ),
  );
  const runs = runService();
  const cancelled: string[] = [];
  for (let round = 0; round < 5; round += 1) {
    await Promise.all(
      tasks.map(async (task, i) => {
        const run = await system.taskService.runNow(task.id);
        await new Promise((resolve) => setTimeout(resolve, (i * 3 + round * 5) % 13));
        const outcome = await runs.cancel(run.id).catch((error: unknown) => error);
        if (!(outcome instanceof Error)) cancelled.push(run.id);
        await waitFor('the run to end', async () => {
          const status = (await runs.get(run.id)).status;
          return status !== 'queued' && status !== 'running';
        });
      }),
    );
  }
  expect(cancelled.length).toBeGreaterThan(0);
  for (const id of cancelled) {
    const run = await runs.getWithAttempts(id);
    expect(run.status, id).toBe('cancelled');
    expect(
      run.attempts.every((attempt) => attempt.status === 'cancelled'),
      id,
    ).toBe(true);
  }
  for (const task of tasks) {
    const current = await system.database.tasks.findById(task.id);
    expect(current).toMatchObject({ task_status: 'ready', job_id: null });
    expect((await system.database.runs.currentAndLast(task.id)).current).toBeNull();
  }
  // Nothing is left in flight to refuse a new run.
  const again = await system.taskService.runNow(tasks[0]!.id);
  expect(again.status).toBe('queued');
});
