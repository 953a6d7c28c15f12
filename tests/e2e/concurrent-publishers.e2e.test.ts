import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem({ publishers: 2, workers: 1 });
});
afterAll(async () => system?.stop());

test('two publishers at once: every due instant is delivered once, none twice', async () => {
  const tasks = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      system.taskService.create({
        task_name: `busy ${i}`,
        task_schedule: '* * * * * *',
        webhook_url: system.webhookUrl,
        json_payload: { n: i },
        max_retry: 0,
      }),
    ),
  );

  await waitFor('100 deliveries', async () => (await system.dummyCount()) >= 100, 60_000);
  await Promise.all(system.publishers.map((p) => p.stop('SIGTERM')));
  await waitFor('in-flight runs to end', async () => {
    const running = await system.database.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('task_status', '=', 'running')
      .executeTakeFirstOrThrow();
    return running.n === 0;
  });

  const { rows: duplicates } = await sql<{ task_id: string; scheduled_for: Date; n: number }>`
    SELECT task_id, scheduled_for, count(*)::int AS n FROM task_logs
    GROUP BY task_id, scheduled_for HAVING count(*) > 1`.execute(system.database.db);
  expect(duplicates).toEqual([]);

  // Every POST the dummy received is one logged attempt: none was sent twice.
  const attempts = await system.database.db
    .selectFrom('task_logs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  expect(await system.dummyCount()).toBe(attempts.n);

  // Both publishers did claim work: the test exercised real contention.
  for (const publisher of system.publishers) expect(publisher.output()).toMatch(/enqueued task/);
  expect(tasks).toHaveLength(20);
});
