import { createLogger } from '@scheduler/config';
import { describe, expect, test } from 'vitest';
import { OUTAGE_REPORT_EVERY_MS, OutageLog } from './outage-log';

function recorded() {
  const lines: { level: string; msg: string; err?: unknown }[] = [];
  const logger = createLogger('test', { logLevel: 'info', logFormat: 'json' });
  for (const level of ['error', 'warn', 'info'] as const) {
    logger[level] = (...args: unknown[]) => {
      const [first, second] = args;
      lines.push(
        typeof first === 'string' ? { level, msg: first } : { level, msg: String(second), err: first },
      );
    };
  }
  return { logger, lines };
}

describe('OutageLog', () => {
  test('one line when an outage starts, one a minute while it lasts, one when it ends; never a stack', () => {
    const { logger, lines } = recorded();
    let clock = 0;
    const outage = new OutageLog(logger, 'PostgreSQL', 'no task is claimed until it answers', () => clock);
    const refused = Object.assign(
      new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:5432')], ''),
      {
        code: 'ECONNREFUSED',
      },
    );

    // A tick a second for two and a half minutes.
    for (; clock <= 2.5 * OUTAGE_REPORT_EVERY_MS; clock += 1000) outage.failed(refused);
    outage.recovered();
    outage.recovered();

    expect(lines).toEqual([
      {
        level: 'error',
        msg: 'PostgreSQL is out of reach (connect ECONNREFUSED 127.0.0.1:5432): no task is claimed until it answers',
      },
      {
        level: 'error',
        msg: 'PostgreSQL still out of reach after 60 s (connect ECONNREFUSED 127.0.0.1:5432, 61 failed tries): no task is claimed until it answers',
      },
      {
        level: 'error',
        msg: 'PostgreSQL still out of reach after 120 s (connect ECONNREFUSED 127.0.0.1:5432, 121 failed tries): no task is claimed until it answers',
      },
      { level: 'info', msg: 'PostgreSQL answers again, after 151 s out of reach' },
    ]);
  });

  test('a later outage is reported afresh', () => {
    const { logger, lines } = recorded();
    let clock = 0;
    const outage = new OutageLog(logger, 'Redis', 'deliveries wait until it answers', () => clock);
    outage.failed(new Error('Connection is closed.'));
    clock = 5000;
    outage.recovered();
    clock = 10_000;
    outage.failed(new Error('Connection is closed.'));

    expect(lines.map((l) => l.msg)).toEqual([
      'Redis is out of reach (Connection is closed.): deliveries wait until it answers',
      'Redis answers again, after 5 s out of reach',
      'Redis is out of reach (Connection is closed.): deliveries wait until it answers',
    ]);
  });

  test('says what is wrong in its own words: a database not migrated yet', () => {
    const { logger, lines } = recorded();
    let clock = 0;
    const unmigrated = new OutageLog(
      logger,
      'The database',
      'no task is claimed until `npm run db:migrate` has run',
      () => clock,
      { down: 'not migrated', up: 'is migrated now' },
    );
    unmigrated.failed(Object.assign(new Error('relation "tasks" does not exist'), { code: '42P01' }));
    clock = 30_000;
    unmigrated.recovered();

    expect(lines.map((l) => l.msg)).toEqual([
      'The database is not migrated (relation "tasks" does not exist): no task is claimed until `npm run db:migrate` has run',
      'The database is migrated now, after 30 s not migrated',
    ]);
  });
});
