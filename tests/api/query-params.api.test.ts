import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi } from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

describe('query parameters named like Object.prototype members', () => {
  test.each([
    ['/api/tasks', 'constructor'],
    ['/api/tasks', 'toString'],
    ['/api/tasks', 'valueOf'],
    ['/api/tasks', 'hasOwnProperty'],
    ['/api/tasks', '__proto__'],
    ['/api/logs', '__proto__'],
    ['/api/logs', 'isPrototypeOf'],
  ])('%s?%s=1&zzz=2: 400 naming both unknown parameters', async (route, name) => {
    const response = await api.request<ApiErrorBody>('GET', `${route}?${name}=1&zzz=2`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(Object.keys(response.body.error.details).sort()).toEqual([name, 'zzz'].sort());
    expect(response.body.error.details[name]).toMatch(/^unknown query parameter: expected only page, limit/);
    expect(response.body.error.message).toContain(`${name}: unknown query parameter`);
    expect(response.body.error.message).toContain('zzz: unknown query parameter');
  });

  test('GET /api/dashboard/stats refuses a parameter, as every list does', async () => {
    const response = await api.request<ApiErrorBody>('GET', '/api/dashboard/stats?page=2');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.details).toEqual({ page: 'unknown query parameter: expected none' });
    expect((await api.request('GET', '/api/dashboard/stats')).status).toBe(200);
  });
});
