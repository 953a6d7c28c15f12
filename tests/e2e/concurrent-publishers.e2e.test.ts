import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem({ publishers: 2, workers: 1 });
});
afterAll(async () => system?.stop());

test('two publishers at once, then one alone: every due instant is delivered once, none twice', async () => {
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

  // Both tick at once (on the same clock, the same instant): their claims contend for the same rows.
  await waitFor('50 deliveries', async () => (await system.dummyCount()) >= 50, 60_000);
  // Then the one doing the claiming goes away, and the other carries on without a gap or a repeat.
  const [first, second] = system.publishers;
  if (!first || !second) throw new Error('two publishers expected');
  const [claiming, other] = /enqueued task/.test(first.output()) ? [first, second] : [second, first];
  await claiming.stop('SIGTERM');
  const handedOver = await system.dummyCount();
  await waitFor('50 more deliveries', async () => (await system.dummyCount()) >= handedOver + 50, 60_000);
  await other.stop('SIGTERM');
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

  // One run per due instant, every one ended finish with its one attempt.
  const runs = await system.database.db
    .selectFrom('task_runs')
    .select(['status', 'attempt_count', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['status', 'attempt_count'])
    .execute();
  expect(runs).toEqual([{ status: 'finish', attempt_count: 1, n: attempts.n }]);

  // Both publishers did claim work.
  for (const publisher of system.publishers) expect(publisher.output()).toMatch(/enqueued task/);
  expect(tasks).toHaveLength(20);
});
