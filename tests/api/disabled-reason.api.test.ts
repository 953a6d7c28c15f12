import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi, type Task } from './api-harness';

/** SPEC §14: a task its webhook disabled says why; enabling it again clears the reason. */
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const REASON = 'Discord answered HTTP 404 with code 10015 (Unknown Webhook: the webhook was deleted)';

/** A task as the worker leaves it when its webhook is gone: failed, disabled, with the reason. */
async function disabledByWebhook(): Promise<Task> {
  const task = await api.createTask();
  await api.database.db
    .updateTable('tasks')
    .set({ enabled: false, disabled_reason: REASON, task_status: 'failed' })
    .where('id', '=', task.id)
    .execute();
  return task;
}

test('a new task has no disabled_reason; a disabled one shows it in the task, the detail and the list', async () => {
  expect((await api.createTask()).disabled_reason).toBeNull();
  const task = await disabledByWebhook();

  const detail = await api.request<Task>('GET', `/api/tasks/${task.id}`);
  expect(detail.body).toMatchObject({ enabled: false, disabled_reason: REASON, task_status: 'failed' });
  const list = await api.request<{ data: Task[] }>('GET', '/api/tasks?enabled=false');
  expect(list.body.data.find((t) => t.id === task.id)).toMatchObject({ disabled_reason: REASON });
});

test('PATCH enabled: true clears the reason and re-arms the task', async () => {
  const task = await disabledByWebhook();
  const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { body: { enabled: true } });
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ enabled: true, disabled_reason: null, task_status: 'ready' });
  expect(response.body.next_run_at).not.toBeNull();
});

test('toggle clears the reason and re-arms the task', async () => {
  const task = await disabledByWebhook();
  const response = await api.request<Task>('POST', `/api/tasks/${task.id}/toggle`);
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ enabled: true, disabled_reason: null, task_status: 'ready' });
});

test('a change that does not enable the task keeps the reason', async () => {
  const task = await disabledByWebhook();
  const response = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
    body: { task_name: 'renamed' },
  });
  expect(response.body).toMatchObject({ enabled: false, disabled_reason: REASON });
});

test('disabled_reason is not set by hand: 400 naming it, nothing changed', async () => {
  const task = await api.createTask();
  const response = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
    body: { disabled_reason: 'because' },
  });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
  expect(response.body.error.details.disabled_reason).toMatch(/unknown field/);
  expect((await api.request<Task>('GET', `/api/tasks/${task.id}`)).body.disabled_reason).toBeNull();
});
