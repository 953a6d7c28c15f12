import { sql } from 'kysely';
import type { Database } from '../database';

export interface TaskCounts {
  total: number;
  ready: number;
  running: number;
  failed: number;
  enabled: number;
  disabled: number;
}

export interface AttemptSummary {
  total: number;
  finish: number;
  failed: number;
  running: number;
  /** Mean `execution_time` of the attempts that ended, in ms; null when none did. */
  avg_execution_time: number | null;
}

export interface HourlyAttempts {
  /** The start of the hour. */
  hour: Date;
  finish: number;
  failed: number;
}

const HOUR_MS = 3_600_000;

/** The dashboard's aggregates: each one query over the whole table or a time window. */
export class StatsRepository {
  constructor(private readonly db: Database) {}

  async taskCounts(): Promise<TaskCounts> {
    return this.db
      .selectFrom('tasks')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        sql<number>`count(*) filter (where task_status = 'ready')`.as('ready'),
        sql<number>`count(*) filter (where task_status = 'running')`.as('running'),
        sql<number>`count(*) filter (where task_status = 'failed')`.as('failed'),
        sql<number>`count(*) filter (where enabled)`.as('enabled'),
        sql<number>`count(*) filter (where not enabled)`.as('disabled'),
      ])
      .executeTakeFirstOrThrow();
  }

  /** Attempts started at or after `since`, by status. */
  async attemptSummary(since: Date): Promise<AttemptSummary> {
    return this.db
      .selectFrom('task_logs')
      .where('created_at', '>=', since)
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        sql<number>`count(*) filter (where status = 'finish')`.as('finish'),
        sql<number>`count(*) filter (where status = 'failed')`.as('failed'),
        sql<number>`count(*) filter (where status = 'running')`.as('running'),
        sql<number | null>`avg(execution_time) filter (where status <> 'running')`.as('avg_execution_time'),
      ])
      .executeTakeFirstOrThrow();
  }

  /**
   * Runs that ended at or after `since` with a verdict on their delivery:
   * delivered (`finish`), or not (`failed`, `expired`). A cancelled or skipped
   * run says nothing about the webhook.
   */
  async runOutcomes(since: Date): Promise<{ finish: number; unsuccessful: number }> {
    return this.db
      .selectFrom('task_runs')
      .where('finished_at', '>=', since)
      .select([
        sql<number>`count(*) filter (where status = 'finish')::int`.as('finish'),
        sql<number>`count(*) filter (where status in ('failed', 'expired'))::int`.as('unsuccessful'),
      ])
      .executeTakeFirstOrThrow();
  }

  /**
   * Finished and failed attempts per hour, for `hours` hours starting at `from` (the
   * start of an hour), oldest first; hours without attempts are there with zeros.
   */
  async attemptsPerHour(from: Date, hours: number): Promise<HourlyAttempts[]> {
    const until = new Date(from.getTime() + hours * HOUR_MS);
    const result = await sql<HourlyAttempts>`
      SELECT h.hour,
             count(l.id) FILTER (WHERE l.status = 'finish')::int AS finish,
             count(l.id) FILTER (WHERE l.status = 'failed')::int AS failed
      FROM generate_series(${from}::timestamptz, ${until}::timestamptz - interval '1 hour', interval '1 hour') AS h(hour)
      LEFT JOIN task_logs l ON l.created_at >= h.hour AND l.created_at < h.hour + interval '1 hour'
      GROUP BY h.hour
      ORDER BY h.hour`.execute(this.db);
    return result.rows;
  }
}
