import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

// SPEC §13's gate, end to end: a run of a task with dependencies goes only once each
// dependency's latest run has finished; otherwise it is skipped, naming the dependency.
let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem();
  await system.startPublisher();
  await system.startWorker();
});
afterAll(async () => system?.stop());

async function latestRun(taskId: string) {
  return (await system.database.runs.list({ page: 1, limit: 1, taskId })).rows[0];
}

test('a dependency that never ran skips the run (DEPENDENCY_FAILED, no request); once it finished, the run goes', async () => {
  const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
  const a = await system.taskService.create({
    task_name: 'export A',
    run_at: inAnHour,
    webhook_url: system.webhookUrl,
    json_payload: { from: 'A' },
  });
  const b = await system.taskService.create({
    task_name: 'report B',
    run_at: new Date().toISOString(),
    depends_on: [a.id],
    webhook_url: system.webhookUrl,
    json_payload: { from: 'B' },
  });
  await waitFor('B’s run to end', async () => (await latestRun(b.id))?.finished_at != null, 30_000);
  const skipped = await latestRun(b.id);
  expect(skipped).toMatchObject({ status: 'skipped', trigger: 'schedule' });
  expect(skipped?.message).toBe(`DEPENDENCY_FAILED: "export A" (${a.id}) has never run; no request was made`);
  expect(await system.dummyCount()).toBe(0);
  expect((await system.database.tasks.findById(b.id))?.task_status).toBe('ready');

  await system.taskService.runNow(a.id);
  await waitFor('A to finish', async () => (await latestRun(a.id))?.status === 'finish', 30_000);
  await system.taskService.update(b.id, { run_at: new Date().toISOString() });
  await waitFor('B’s new run to end', async () => {
    const run = await latestRun(b.id);
    return run !== undefined && run.id !== skipped?.id && run.finished_at !== null;
  });
  expect(await latestRun(b.id)).toMatchObject({ status: 'finish' });
  expect(await system.dummyCount()).toBe(2);
});

test('a dependency deleted while a run waits for it: the run goes on without it, and its message names it', async () => {
  const a = await system.taskService.create({
    task_name: 'export A2',
    run_at: new Date(Date.now() + 3_600_000).toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { from: 'A2' },
  });
  // A's run in flight (a long one, as far as the gate can tell): B's run waits for it.
  await system.database.runs.create({
    task_id: a.id,
    scheduled_for: new Date(),
    trigger: 'manual',
    status: 'running',
  });
  const before = await system.dummyCount();
  const b = await system.taskService.create({
    task_name: 'report B2',
    run_at: new Date().toISOString(),
    depends_on: [a.id],
    webhook_url: system.webhookUrl,
    json_payload: { from: 'B2' },
  });
  await waitFor('B’s run to be made', async () => (await latestRun(b.id)) !== undefined, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 2_500)); // a look or two at the gate
  expect(await latestRun(b.id)).toMatchObject({ status: 'queued', finished_at: null });
  expect(await system.dummyCount()).toBe(before);

  await system.taskService.delete(a.id);
  await waitFor('B’s run to end', async () => (await latestRun(b.id))?.finished_at != null, 30_000);
  const run = await latestRun(b.id);
  expect(run).toMatchObject({ status: 'finish', trigger: 'schedule' });
  expect(run?.message).toBe(
    `delivered: HTTP 200 — DEPENDENCY_DELETED: "export A2" (${a.id}) was deleted while this run waited for it; the run went on without it`,
  );
  expect(await system.dummyCount()).toBe(before + 1);
});
