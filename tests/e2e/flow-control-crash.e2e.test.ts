import { afterAll, beforeAll, expect, test } from 'vitest';
import { DestinationRepository } from '@scheduler/db';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

// SPEC §12: a worker killed while it holds a destination's only slot does not keep it: its
// slot lapses with its job lock (10 s), and the destination's other runs go out.
let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem({ latencyMs: '3000', publishers: 0, workers: 0 });
});
afterAll(async () => system?.stop());

test("a killed worker's slot is given back within the job lock time, and the destination's runs go on", async () => {
  const origin = `http://127.0.0.1:${new URL(system.dummyUrl).port}`;
  await new DestinationRepository(system.database.db).upsert(origin, { max_concurrency: 1 });
  await system.startWorker();
  const make = (name: string) =>
    system.taskService.create({
      task_name: name,
      task_schedule: '0 0 1 1 *',
      webhook_url: system.webhookUrl,
      json_payload: { content: name },
      max_retry: 0,
    });
  const first = await make('first');
  const second = await make('second');
  await system.taskService.runNow(first.id);
  await waitFor('the first delivery to reach the webhook', async () => (await system.dummyCount()) >= 1);
  const [worker] = system.workers;
  expect(await worker?.stop('SIGKILL')).toBe('SIGKILL');
  const killedAt = Date.now();

  await system.startWorker();
  await system.taskService.runNow(second.id);
  await waitFor(
    'the second task to be delivered',
    async () => (await system.database.tasks.findById(second.id))?.task_status === 'ready',
    60_000,
  );
  // The slot came back with the lock (10 s), not never; the 3 s answer and a loaded machine on top.
  expect(Date.now() - killedAt).toBeLessThan(30_000);
  await waitFor(
    'the first run to end too',
    async () => (await system.database.tasks.findById(first.id))?.task_status !== 'running',
    60_000,
  );
  const attempts = await system.database.attempts.listForTask(second.id, 10);
  expect(attempts).toMatchObject([{ status: 'finish', http_status: 200 }]);
});
