import { loadConfig } from '@scheduler/config';
import { migrate } from '@scheduler/db';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { databaseUrlFor } from './database';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/**
 * Migrates one template database per test run; each test file clones it
 * (CREATE DATABASE … TEMPLATE), so files run in parallel on their own data.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { databaseUrl } = loadConfig();
  const template = `scheduler_test_${process.pid}_template`;
  await migrate(databaseUrlFor(databaseUrl, template));
  project.provide('templateDatabase', template);
  return async () => {
    const admin = new pg.Client({ connectionString: databaseUrlFor(databaseUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.end();
  };
}
