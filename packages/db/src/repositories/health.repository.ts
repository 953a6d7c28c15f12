import { sql } from 'kysely';
import type { Database } from '../database';

export class HealthRepository {
  constructor(private readonly db: Database) {}

  /** One round trip to PostgreSQL: resolves when it answers. */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }
}
