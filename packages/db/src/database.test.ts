import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';
import { createDatabase } from './database';
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
