import { describe, expect, test } from 'vitest';
import {
  defaultRunFilters,
  runFiltersFromParams,
  runFiltersToParams,
  runListQuery,
  runRangeProblem,
  runsLink,
  type RunFilters,
} from './run-filters';

const taskId = '11111111-1111-4111-8111-111111111111';
const filters = (overrides: Partial<RunFilters>): RunFilters => ({ ...defaultRunFilters, ...overrides });

describe('Runs page filters ↔ URL parameters', () => {
  test.each<[string, Partial<RunFilters>]>([
    ['', {}],
    ['status=failed', { statuses: ['failed'] }],
    ['status=failed,expired', { statuses: ['failed', 'expired'] }],
    ['status=failed%2Cexpired', { statuses: ['failed', 'expired'] }],
    // Listed in the statuses' own order, once each.
    ['status=expired,failed,failed', { statuses: ['failed', 'expired'] }],
    ['trigger=retry', { trigger: 'retry' }],
    [`task_id=${taskId}`, { taskId }],
    ['from=2025-03-01T00:00&to=2025-03-02T12:30', { from: '2025-03-01T00:00', to: '2025-03-02T12:30' }],
    ['page=3&limit=50', { page: 3, limit: 50 }],
  ])('?%s', (query, expected) => {
    const read = runFiltersFromParams(new URLSearchParams(query));
    expect(read).toEqual(filters(expected));
    // And back: the same filters, the same parameters (commas written as the browser encodes them).
    expect(runFiltersFromParams(runFiltersToParams(read))).toEqual(read);
  });

  test('what is not a filter value is left out rather than sent to the API', () => {
    expect(
      runFiltersFromParams(
        new URLSearchParams(
          'status=failed,nope,&trigger=cron&task_id=12&from=yesterday&to=2025-13&page=-1&limit=7&extra=1',
        ),
      ),
    ).toEqual(filters({ statuses: ['failed'] }));
  });

  test('the defaults make no parameters: a plain list is /runs', () => {
    expect(runFiltersToParams(defaultRunFilters).toString()).toBe('');
    expect(runsLink({})).toBe('/runs');
  });

  test('a link to failed runs reads as one', () => {
    expect(runsLink({ statuses: ['failed', 'expired'] })).toBe('/runs?status=failed,expired');
    expect(runsLink({ taskId })).toBe(`/runs?task_id=${taskId}`);
  });
});

describe('the API query of the filters', () => {
  test('statuses separated by commas, dates as instants, nothing unset', () => {
    const from = '2025-03-01T00:00';
    expect(
      runListQuery(filters({ statuses: ['failed', 'expired'], trigger: 'manual', taskId, from, page: 2 })),
    ).toEqual({
      page: 2,
      limit: 20,
      status: 'failed,expired',
      trigger: 'manual',
      task_id: taskId,
      from: new Date(from).toISOString(),
    });
    expect(runListQuery(defaultRunFilters)).toEqual({ page: 1, limit: 20 });
  });

  test('a range that ends before it starts is caught before any request', () => {
    expect(runRangeProblem({ from: '2025-03-02T00:00', to: '2025-03-01T00:00' })).toBe(
      'Pick a "To" at or after "From".',
    );
    expect(runRangeProblem({ from: '2025-03-01T00:00', to: '2025-03-01T00:00' })).toBeUndefined();
  });
});
