import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type RunningProcess,
  startSystem,
  startTcpProxy,
  type SystemUnderTest,
  type TcpProxy,
  through,
  waitFor,
} from '@scheduler/test-support';

// The worker reaches PostgreSQL through a proxy the test can cut: an outage must
// neither spend a task's retries nor leave an attempt `running`, and a webhook that
// answered while the result could not be written is not called again if PostgreSQL
// is back within a few seconds.
let system: SystemUnderTest;
let proxy: TcpProxy;
let worker: RunningProcess;

beforeAll(async () => {
  // A slow receiver, so the outage can start while the webhook is answering.
  system = await startSystem({ latencyMs: '1500', publishers: 0, workers: 0 });
  const target = new URL(system.database.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  worker = await system.startWorker({ DATABASE_URL: through(system.database.url, proxy) });
});
afterAll(async () => {
  await system?.stop();
  await proxy?.close();
});

const oneRun = (name: string) =>
  system.taskService.create({
    task_name: name,
    task_schedule: '0 0 1 1 *',
    webhook_url: system.webhookUrl,
    json_payload: { content: name },
    max_retry: 0,
  });

const ended = (taskId: string) => async () =>
  (await system.database.tasks.findById(taskId))?.task_status !== 'running';

test('PostgreSQL lost while the webhook answers: the result is written when it is back, with no second call', async () => {
  const task = await oneRun('result written late');
  const calls = await system.dummyCount();
  await system.taskService.runNow(task.id);

  await waitFor('the delivery to reach the webhook', async () => (await system.dummyCount()) > calls);
  await proxy.cut();
  await waitFor('the worker to notice', async () =>
    /could not record the attempt's result \(.*\): trying again/.test(worker.output()),
  );
  await proxy.restore();
  await waitFor('the run to end', ended(task.id), 20_000);

  expect(await system.database.tasks.findById(task.id)).toMatchObject({ task_status: 'ready' });
  expect(await system.database.attempts.listForTask(task.id, 10)).toMatchObject([
    { status: 'finish', retry_count: 0, http_status: 200 },
  ]);
  expect(await system.dummyCount()).toBe(calls + 1);
});

test('PostgreSQL down when a run starts: the same attempt is made once it is back, spending no retry', async () => {
  const task = await oneRun('started late');
  const calls = await system.dummyCount();
  await proxy.cut();
  await system.taskService.runNow(task.id);

  await waitFor('the worker to put the run off', async () =>
    /could not record the attempt's start .*making it again in 5 s, without spending a retry/.test(
      worker.output(),
    ),
  );
  expect(await system.dummyCount()).toBe(calls);
  await proxy.restore();
  await waitFor('the run to end', ended(task.id), 30_000);

  // max_retry is 0: had the outage spent the only attempt, the task would be failed.
  expect(await system.database.tasks.findById(task.id)).toMatchObject({ task_status: 'ready' });
  expect(await system.database.attempts.listForTask(task.id, 10)).toMatchObject([
    { status: 'finish', retry_count: 0, http_status: 200 },
  ]);
  expect(await system.dummyCount()).toBe(calls + 1);
  expect(worker.child.exitCode).toBeNull();
  // The outage reads as an outage: said when it started and when it ended, with no stack trace.
  await waitFor('the worker to say PostgreSQL is back', async () =>
    /PostgreSQL answers again, after \d+ s out of reach/.test(worker.output()),
  );
  expect(worker.output()).toMatch(/PostgreSQL is out of reach \(.+\): runs are put off 5 s at a time/);
  expect(worker.output()).not.toMatch(/"stack"|\n\s+at /);
});

test('PostgreSQL refuses a result for good: the webhook is not called again, the run ends, the others are recorded', async () => {
  const faulty = await oneRun('result refused');
  const healthy = await oneRun('recorded beside it');
  const { db } = system.database;
  // A fault that no retry can get past, for this task's results alone (a schema half
  // upgraded, say): had the worker treated it as an outage, it would have called the
  // webhook again every few seconds, and the other task in its batch would never finish.
  await sql`ALTER TABLE task_logs ADD CONSTRAINT refuses_one_result
              CHECK (status = 'running' OR task_id <> ${sql.lit(faulty.id)}::uuid) NOT VALID`.execute(db);
  try {
    const calls = await system.dummyCount();
    await Promise.all([system.taskService.runNow(faulty.id), system.taskService.runNow(healthy.id)]);
    const jobId = (await system.database.tasks.findById(faulty.id))?.job_id;

    await waitFor('the worker to end the run', async () =>
      /could not record the attempt's result .*PostgreSQL refused it, and would again, so this run ends here \(its webhook was called\)/.test(
        worker.output(),
      ),
    );
    await waitFor('the other run to end', ended(healthy.id), 20_000);
    expect(await system.database.attempts.listForTask(healthy.id, 10)).toMatchObject([
      { status: 'finish', retry_count: 0, http_status: 200 },
    ]);
    // Failed for good in BullMQ: nothing will make this attempt again.
    expect(jobId).toBeTruthy();
    expect(await (await system.queue.getJob(jobId ?? ''))?.getState()).toBe('failed');
    expect(worker.output()).not.toMatch(/result refused[^\n]*making it again/);
    expect(await system.dummyCount()).toBe(calls + 2);
  } finally {
    await sql`ALTER TABLE task_logs DROP CONSTRAINT refuses_one_result`.execute(db);
  }
});
