import type { Database } from '../database';
import type { DestinationRow } from '../rows';

/** The limits a user set on a destination (SPEC §12); a null one is the default. */
export interface DestinationLimitsPatch {
  max_concurrency?: number | null | undefined;
  rate_limit_max?: number | null | undefined;
  rate_limit_per_seconds?: number | null | undefined;
}

export class DestinationRepository {
  constructor(private readonly db: Database) {}

  async list(): Promise<DestinationRow[]> {
    return this.db.selectFrom('destinations').selectAll().orderBy('key').execute();
  }

  async find(key: string): Promise<DestinationRow | undefined> {
    return this.db.selectFrom('destinations').selectAll().where('key', '=', key).executeTakeFirst();
  }

  /** Sets the given limits (the others as they were, or null for a new destination). */
  async upsert(key: string, patch: DestinationLimitsPatch): Promise<DestinationRow> {
    const values: DestinationLimitsPatch = {};
    if (patch.max_concurrency !== undefined) values.max_concurrency = patch.max_concurrency;
    if (patch.rate_limit_max !== undefined) values.rate_limit_max = patch.rate_limit_max;
    if (patch.rate_limit_per_seconds !== undefined)
      values.rate_limit_per_seconds = patch.rate_limit_per_seconds;
    return (
      this.db
        .insertInto('destinations')
        .values({ key, ...values })
        // Nothing given: the row is made (or kept) as it is.
        .onConflict((oc) => oc.column('key').doUpdateSet(Object.keys(values).length > 0 ? values : { key }))
        .returningAll()
        .executeTakeFirstOrThrow()
    );
  }

  /** Forgets a destination's limits (the defaults apply again); whether it had any. */
  async delete(key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('destinations').where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Every webhook URL a task aims at, once each: the destinations in use. */
  async webhookUrls(): Promise<string[]> {
    const rows = await this.db.selectFrom('tasks').select('webhook_url').distinct().execute();
    return rows.map((row) => row.webhook_url);
  }
}
