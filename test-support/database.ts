import { randomUUID } from 'node:crypto';
import { loadConfig } from '@scheduler/config';
import {
  AttemptRepository,
  createDatabase,
  type Database,
  DependencyRepository,
  RunRepository,
  TaskRepository,
  withDefaultSslMode,
} from '@scheduler/db';
import pg from 'pg';
import { inject } from 'vitest';

export function databaseUrlFor(databaseUrl: string, name: string): string {
  const url = new URL(withDefaultSslMode(databaseUrl));
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  tasks: TaskRepository;
  attempts: AttemptRepository;
  runs: RunRepository;
  dependencies: DependencyRepository;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlFor(loadConfig().databaseUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  const name = `scheduler_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = databaseUrlFor(loadConfig().databaseUrl, name);
  const db = createDatabase(url, { max: 5 });
  return {
    name,
    url,
    db,
    tasks: new TaskRepository(db),
    attempts: new AttemptRepository(db),
    runs: new RunRepository(db),
    dependencies: new DependencyRepository(db),
    async drop() {
      await db.destroy();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
