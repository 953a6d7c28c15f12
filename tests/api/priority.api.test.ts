import { afterAll, beforeAll, expect, test } from 'vitest';
import { errorShape, type RunningApi, startApi, type Task } from './api-harness';

// SPEC §12: task priority, 1 (lowest) to 10 (highest), default 5.
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

test('a task has priority 5 unless given one from 1 to 10, and PATCH changes it', async () => {
  expect((await api.createTask()).priority).toBe(5);
  const urgent = await api.createTask({ priority: 10 });
  expect(urgent.priority).toBe(10);
  const patched = await api.request<Task>('PATCH', `/api/tasks/${urgent.id}`, { body: { priority: 1 } });
  expect(patched.status).toBe(200);
  expect(patched.body.priority).toBe(1);
  expect((await api.request<Task>('GET', `/api/tasks/${urgent.id}`)).body.priority).toBe(1);
});

test.each([0, 11, 2.5, '7', null])('priority %j: 400 naming the field and the range', async (priority) => {
  const response = await api.request<{ error: { details: Record<string, string> } }>('POST', '/api/tasks', {
    body: {
      task_name: 'p',
      task_schedule: '0 * * * *',
      webhook_url: 'https://example.com/h',
      json_payload: {},
      priority,
    },
  });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
  expect(response.body.error.details.priority).toMatch(/from 1 \(lowest\) to 10 \(highest\)/);
});
