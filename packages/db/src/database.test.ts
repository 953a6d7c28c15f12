import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';
import { createDatabase, prepared } from './database';
import { isTransientStorageError } from './storage-errors';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

test('a statement timeout cancels a statement that runs too long, as an error that may pass later', async () => {
  const bounded = createDatabase(t.url, { statementTimeoutMs: 200 });
  try {
    const started = Date.now();
    const error: unknown = await sql`SELECT pg_sleep(5)`.execute(bounded).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toMatchObject({ code: '57014' });
    expect(isTransientStorageError(error)).toBe(true);
  } finally {
    await bounded.destroy();
  }
});

test('without one, statements may run as long as they need', async () => {
  const { rows } = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(t.db);
  expect(rows).toEqual([{ statement_timeout: '0' }]);
});

test('a prepared statement is parsed once per connection and answers as the plain statement does', async () => {
  const single = createDatabase(t.url, { max: 1 });
  try {
    const doubled = (n: number[]) =>
      prepared('doubled', sql<{ n: number }>`SELECT x * 2 AS n FROM unnest(${n}::int[]) AS x ORDER BY x`);
    expect((await doubled([1, 2]).execute(single)).rows).toEqual([{ n: 2 }, { n: 4 }]);
    expect((await doubled([5]).execute(single)).rows).toEqual([{ n: 10 }]);
    // One statement of that name on the connection, run twice by name.
    const { rows } = await sql<{ name: string; statement: string }>`
      SELECT name, statement FROM pg_prepared_statements`.execute(single);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.name).toBe('doubled.0');
    expect(rows[0]?.statement).toContain('unnest($1::int[])');
    // A name stands for one statement: another text under it is refused, not run.
    await expect(prepared('doubled', sql`SELECT 3 AS n`).execute(single)).rejects.toThrow(
      /used for a different statement/,
    );
    // An unmarked statement is not prepared.
    await sql`SELECT 1`.execute(single);
    const after = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_prepared_statements`.execute(single);
    expect(after.rows).toEqual([{ n: 1 }]);
  } finally {
    await single.destroy();
  }
});

test('a prepared statement is prepared anew as it runs on (its plan follows the tables as they fill)', async () => {
  const single = createDatabase(t.url, { max: 1 });
  try {
    const tripled = (n: number) =>
      prepared('tripled', sql<{ n: number }>`SELECT x * 3 AS n FROM unnest(${[n]}::int[]) AS x`);
    for (let n = 1; n <= 64; n += 1) await tripled(n).execute(single);
    const names = async () =>
      (
        await sql<{ name: string }>`SELECT name FROM pg_prepared_statements ORDER BY name`.execute(single)
      ).rows.map((row) => row.name);
    expect(await names()).toEqual(['tripled.0']);
    // The 65th execution is planned afresh, under the next generation's name, and answers the same.
    expect((await tripled(65).execute(single)).rows).toEqual([{ n: 195 }]);
    expect(await names()).toEqual(['tripled.0', 'tripled.1']);
  } finally {
    await single.destroy();
  }
});
