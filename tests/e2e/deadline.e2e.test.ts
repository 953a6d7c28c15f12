import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventsChannel, type LiveEvent, parseLiveEvents } from '@scheduler/queue';
import { startSystem, type SystemUnderTest, testRedis, waitFor } from '@scheduler/test-support';

// SPEC §13 deliver_within_ms, end to end: a run not delivered in time ends expired, and no
// request is made after its deadline — whether it waited for a retry or for a worker.
let system: SystemUnderTest;

beforeAll(async () => {
  // Every request the dummy gets in these tests fails.
  system = await startSystem({ failOn: '1,2,3,4,5,6,7,8,9,10', retryBackoffMs: 1000 });
  await system.startPublisher();
});
afterAll(async () => system?.stop());

async function runsOf(taskId: string) {
  return (await system.database.runs.list({ page: 1, limit: 10, taskId })).rows;
}

test('a failing run whose next retry would pass the deadline expires at once: TIMEOUT, no request after it', async () => {
  // What the dashboards hear of it (SPEC §15).
  const subscriber = testRedis();
  const events: LiveEvent[] = [];
  subscriber.on('message', (_channel: string, message: string) => events.push(...parseLiveEvents(message)));
  await subscriber.subscribe(eventsChannel(system.prefix));
  await system.startWorker();
  const task = await system.taskService.create({
    task_name: 'due within 2.5 s',
    run_at: new Date().toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { content: 'hurry' },
    max_retry: 5,
    deliver_within_ms: 2500,
  });
  await waitFor('the run to end', async () => (await runsOf(task.id))[0]?.finished_at != null, 30_000);
  const [run] = await runsOf(task.id);
  expect(run).toMatchObject({ status: 'expired', trigger: 'schedule' });
  expect(run?.message).toMatch(/^TIMEOUT: /);
  const attempts = await system.database.runs.attemptsOf(run!.id);
  expect(attempts.length).toBeGreaterThanOrEqual(1);
  expect(attempts.length).toBeLessThan(6);
  for (const attempt of attempts)
    expect(attempt.created_at.getTime()).toBeLessThan(run!.deliver_by!.getTime());
  const requests = await system.dummyCount();
  expect(requests).toBe(attempts.length);
  // Nothing more is sent: retries were left, but not time.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(await system.dummyCount()).toBe(requests);
  // An expired run leaves the task as it was: ready, not failed.
  expect((await system.database.tasks.findById(task.id))?.task_status).toBe('ready');
  // Each attempt was announced, and the run's end as expired.
  const ofRun = events.filter((e) => e.data.run_id === run!.id);
  expect(ofRun.filter((e) => e.event === 'attempt.finished')).toHaveLength(attempts.length);
  expect(ofRun.filter((e) => e.event === 'run.finished').map((e) => e.data.status)).toEqual(['expired']);
  await subscriber.quit();
});

test('a run left waiting for a worker past its deadline expires, leaves the queue, and its request is never made', async () => {
  await Promise.all(system.workers.splice(0).map((worker) => worker.stop('SIGTERM')));
  const subscriber = testRedis();
  const events: LiveEvent[] = [];
  subscriber.on('message', (_channel: string, message: string) => events.push(...parseLiveEvents(message)));
  await subscriber.subscribe(eventsChannel(system.prefix));
  const before = await system.dummyCount();
  const task = await system.taskService.create({
    task_name: 'no worker in time',
    run_at: new Date().toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { content: 'late' },
    deliver_within_ms: 1000,
  });
  // The watchdog (every 5 s, in the publisher) ends it.
  await waitFor('the run to expire', async () => (await runsOf(task.id))[0]?.status === 'expired', 30_000);
  const [run] = await runsOf(task.id);
  expect(run?.message).toMatch(/^TIMEOUT: /);
  // Its job is out of the queue (no longer counted waiting), and the dashboards heard of its end.
  const counts = await system.queue.getJobCounts('waiting', 'prioritized', 'delayed');
  expect(counts).toMatchObject({ waiting: 0, prioritized: 0, delayed: 0 });
  await waitFor('run.finished', async () =>
    events.some(
      (e) => e.event === 'run.finished' && e.data.run_id === run!.id && e.data.status === 'expired',
    ),
  );
  await subscriber.quit();
  // A worker that comes now makes no request.
  await system.startWorker();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(await system.dummyCount()).toBe(before);
  expect(await system.database.runs.attemptsOf((await runsOf(task.id))[0]!.id)).toEqual([]);
});
