import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@scheduler/config';
import { databaseUrlFor } from '@scheduler/test-support';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { migrate, migrationsDir } from './migrate';

/**
 * Migrations that change what is stored, run on data written before them: a
 * database migrated up to just before the migration, given rows, then migrated on.
 */
const name = `scheduler_migration_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const url = databaseUrlFor(loadConfig().databaseUrl, name);
const scratch = mkdtempSync(path.join(tmpdir(), 'migrations-before-'));

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: databaseUrlFor(loadConfig().databaseUrl, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

/** Migrates the database with the migrations older than `version` only. */
async function migrateBefore(version: string): Promise<void> {
  for (const file of readdirSync(migrationsDir).filter((f) => f < version)) {
    copyFileSync(path.join(migrationsDir, file), path.join(scratch, file));
  }
  await migrate(url, scratch);
}

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('20261207200000 json_payload kept as written', () => {
  test('carries every existing payload over, and keeps the order of those written after it', async () => {
    await migrateBefore('20261207200000');
    const before = { b: 2, aa: 1, nested: { zz: 1, a: [1, { d: 'x', cc: null }] } };
    const [{ id }] = (await query<{ id: string }>(
      `INSERT INTO tasks (task_name, task_schedule, webhook_url, json_payload)
       VALUES ('old', '@daily', 'http://127.0.0.1:9/h', $1) RETURNING id`,
      [JSON.stringify(before)],
    )) as [{ id: string }];

    await migrate(url);

    const [old] = await query<{ json_payload: unknown; type: string }>(
      `SELECT json_payload, pg_typeof(json_payload)::text AS type FROM tasks WHERE id = $1`,
      [id],
    );
    expect(old?.type).toBe('json');
    expect(old?.json_payload).toEqual(before);
    const written = '{"b":2,"aa":1,"nested":{"zz":1,"a":{"ccc":1,"d":2}}}';
    await query(`UPDATE tasks SET json_payload = $1 WHERE id = $2`, [written, id]);
    const [updated] = await query<{ json_payload: unknown }>(`SELECT json_payload FROM tasks WHERE id = $1`, [
      id,
    ]);
    expect(JSON.stringify(updated?.json_payload)).toBe(written);
    // The shape check still holds: a payload is an object or an array.
    await expect(query(`UPDATE tasks SET json_payload = '"text"' WHERE id = $1`, [id])).rejects.toThrow(
      /tasks_json_payload_shape/,
    );
  });
});
