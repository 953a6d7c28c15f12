import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningApi, startApi } from './api-harness';
import { type Answer, OpenApiContract } from './openapi-contract';

// The harness checks every answer of the API suite with OpenApiContract; this pins what it catches.
let api: RunningApi;
let contract: OpenApiContract;

beforeAll(async () => {
  api = await startApi();
  contract = await OpenApiContract.load(api.url);
});
afterAll(async () => api?.stop());

const errorBody = {
  error: { code: 'NOT_FOUND', message: 'No task.', details: {}, timestamp: '2025-05-01T08:00:00.000Z' },
};
const answer = (overrides: Partial<Answer>): Answer => ({
  method: 'GET',
  route: '/api/tasks',
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: { data: [], meta: { page: 1, limit: 20, total: 0, total_pages: 0 } },
  ...overrides,
});

describe('the OpenAPI check of every answer', () => {
  test('passes an answer the document describes', () => {
    expect(contract.problems(answer({}))).toEqual([]);
    expect(
      contract.problems(
        answer({ route: '/api/tasks/x/toggle', method: 'POST', status: 404, body: errorBody }),
      ),
    ).toEqual([]);
  });

  test('names a route missing from the document (a route added later and not documented)', () => {
    const problems = contract.problems(answer({ route: '/api/schedules?page=1', status: 200 }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^GET \/api\/schedules answered 200, but the OpenAPI document has no GET \/api\/schedules: document the route/,
      ),
    ]);
  });

  test('names a status the route does not declare', () => {
    const problems = contract.problems(answer({ route: '/api/tasks/abc', status: 418, body: errorBody }));
    expect(problems).toEqual([
      expect.stringMatching(
        /answered 418, a status the OpenAPI document does not declare for GET \/api\/tasks\/\{id\}/,
      ),
    ]);
  });

  test('names where a body departs from the declared schema', () => {
    const problems = contract.problems(
      answer({ body: { data: [], meta: { page: '1', limit: 20, total: 0, total_pages: 0 } } }),
    );
    expect(problems).toEqual([expect.stringContaining('at /meta/page: must be integer')]);
    expect(contract.problems(answer({ status: 400, body: { error: 'Bad Request' } }))).not.toEqual([]);
  });

  test('refuses an error that is not JSON where the document says JSON', () => {
    const problems = contract.problems(
      answer({ status: 400, contentType: 'text/plain', body: 'Bad Request' }),
    );
    expect(problems).toEqual([expect.stringContaining('Content-Type "text/plain"')]);
  });
});
