import { sql } from 'kysely';
import type { Database } from '../database';

export class HealthRepository {
  constructor(private readonly db: Database) {}

  /** One round trip to PostgreSQL: resolves when it answers and holds the tables (it was migrated). */
  async ping(): Promise<void> {
    await sql`SELECT 1 FROM tasks, task_logs LIMIT 0`.execute(this.db);
  }
}
