import { describe, expect, it } from 'vitest';
import { TaskValidationError } from './errors';
import { parseTaskInput } from './task-input';
import { logListQuerySchema, taskListQuerySchema, taskLogsQuerySchema } from './task-query';

const refusal = (run: () => unknown): TaskValidationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof TaskValidationError) return error;
    throw error;
  }
  throw new Error('expected a TaskValidationError');
};

describe('taskListQuerySchema', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['nothing: the defaults', {}, { page: 1, limit: 20, sort: 'created_at', order: 'desc' }],
    ['empty values mean not given', { page: '', search: '', task_status: '' }, { page: 1, limit: 20 }],
    ['numbers from text', { page: '3', limit: '100' }, { page: 3, limit: 100 }],
    ['booleans from text', { enabled: 'false' }, { enabled: false }],
    [
      'every filter',
      { task_status: 'failed', search: 'report', sort: 'next_run_at', order: 'asc' },
      {
        task_status: 'failed',
        search: 'report',
        sort: 'next_run_at',
        order: 'asc',
      },
    ],
  ])('%s', (_name, query, expected) => {
    expect(parseTaskInput(taskListQuerySchema, query)).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['limit over 100', { limit: '101' }, 'limit', 'expected a page size from 1 to 100, got 101'],
    ['page 0', { page: '0' }, 'page', 'expected a page number from 1 to 1000000, got 0'],
    ['a fraction', { limit: '2.5' }, 'limit', 'expected a page size from 1 to 100, got "2.5"'],
    [
      'a repeated parameter',
      { page: ['1', '2'] },
      'page',
      'expected a page number from 1 to 1000000, got the parameter more than once',
    ],
    [
      'an unknown status',
      { task_status: 'paused' },
      'task_status',
      'expected one of ready, running, failed, got "paused"',
    ],
    ['enabled as yes', { enabled: 'yes' }, 'enabled', 'expected true or false, got "yes"'],
    [
      'a NUL in the search',
      { search: 'a\u0000' },
      'search',
      'contains a NUL character (\\u0000): expected text without it',
    ],
    [
      'a typo',
      { stauts: 'failed' },
      'stauts',
      'unknown query parameter: expected only page, limit, task_status, enabled, search, sort, order',
    ],
  ])('refuses %s, naming the parameter and what was expected', (_name, query, field, message) => {
    const error = refusal(() => parseTaskInput(taskListQuerySchema, query));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details[field]).toBe(message);
  });

  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])(
    'names a parameter called %s, and the other unknown ones beside it',
    (name) => {
      // As Fastify parses a query string: an object without a prototype, every key its own.
      const query = Object.assign(Object.create(null) as Record<string, string>, { zzz: '2', limit: '0' });
      Object.defineProperty(query, name, { value: '1', enumerable: true });
      const error = refusal(() => parseTaskInput(taskListQuerySchema, query));
      expect(Object.keys(error.details).sort()).toEqual([name, 'limit', 'zzz'].sort());
      expect(Object.hasOwn(error.details, name)).toBe(true);
      expect(error.details[name]).toMatch(/^unknown query parameter: expected only page, limit/);
      expect(error.message).toContain(`${name}: unknown query parameter`);
    },
  );
});

describe('log queries', () => {
  it('reads instants with an offset, and a date as the whole day (UTC) it names', () => {
    expect(
      parseTaskInput(logListQuerySchema, { from: '2025-05-01T09:00:00+02:00', to: '2025-05-02T10:00:00Z' }),
    ).toMatchObject({
      from: new Date('2025-05-01T07:00:00Z'),
      to: new Date('2025-05-02T10:00:00Z'),
    });
    expect(parseTaskInput(logListQuerySchema, { from: '2025-05-01', to: '2025-05-01' })).toMatchObject({
      from: new Date('2025-05-01T00:00:00Z'),
      to: new Date('2025-05-01T23:59:59.999Z'),
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an instant without an offset', { from: '2025-05-01T09:00:00' }, 'from'],
    ['text', { to: 'yesterday' }, 'to'],
    ['a day the month does not have (February 30th)', { from: '2026-02-30' }, 'from'],
    ['February 29th in a common year', { to: '2025-02-29T10:00:00Z' }, 'to'],
    ['hour 24', { from: '2026-01-01T24:00:00Z' }, 'from'],
    ['month 13', { from: '2026-13-01' }, 'from'],
    ['to before from', { from: '2025-05-02', to: '2025-05-01' }, 'to'],
    ['a task id that is not a UUID', { task_id: '42' }, 'task_id'],
  ])('refuses %s', (_name, query, field) => {
    expect(refusal(() => parseTaskInput(logListQuerySchema, query)).details).toHaveProperty(field);
  });

  it('takes February 29th in a leap year', () => {
    expect(parseTaskInput(logListQuerySchema, { from: '2028-02-29' }).from).toEqual(
      new Date('2028-02-29T00:00:00Z'),
    );
  });

  it("a task's logs take no task_id (the path names the task)", () => {
    const error = refusal(() =>
      parseTaskInput(taskLogsQuerySchema, { task_id: '00000000-0000-0000-0000-000000000000' }),
    );
    expect(error.details.task_id).toMatch(/unknown query parameter/);
  });

  it('reports every bad parameter at once', () => {
    const error = refusal(() => parseTaskInput(logListQuerySchema, { limit: '0', status: 'ok', from: 'x' }));
    expect(Object.keys(error.details).sort()).toEqual(['from', 'limit', 'status']);
  });
});
