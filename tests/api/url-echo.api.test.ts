import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi } from './api-harness';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

test.each([
  ['a malformed URL of 16 KB', `/api/tasks/%zz${'a'.repeat(16_000)}`, 400, 'VALIDATION_ERROR'],
  ['a task id of 16 KB', `/api/tasks/${'a'.repeat(16_000)}`, 400, 'VALIDATION_ERROR'],
  ['an unknown route of 16 KB', `/api/${'b'.repeat(16_000)}`, 404, 'NOT_FOUND'],
])('%s: the answer stays under 1 KB, in the error shape', async (_name, route, status, code) => {
  const response = await api.request<ApiErrorBody>('GET', route);
  expect(response.status).toBe(status);
  expect(response.body).toEqual(errorShape(code));
  expect(JSON.stringify(response.body).length).toBeLessThan(1024);
});
