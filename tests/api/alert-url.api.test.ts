import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  taskInput,
} from './api-harness';

/** SPEC §14: a task's own alert_url, checked as a webhook URL is (safe targets included). */
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

test('alert_url is kept, shown, and cleared with null; the alerts’ internal state is not shown', async () => {
  const task = await api.createTask({ alert_url: 'http://127.0.0.1:4000/api/webhooks/1/alerts' });
  expect(task.alert_url).toBe('http://127.0.0.1:4000/api/webhooks/1/alerts');
  expect(task).not.toHaveProperty('failing');
  expect((await api.createTask()).alert_url).toBeNull();

  const cleared = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { body: { alert_url: null } });
  expect(cleared.status).toBe(200);
  expect(cleared.body.alert_url).toBeNull();
  const set = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
    body: { alert_url: 'https://hooks.example.com/alerts' },
  });
  expect(set.body.alert_url).toBe('https://hooks.example.com/alerts');
});

test.each([
  ['not a URL', 'alerts please', /is not a URL: expected an http\(s\) URL/],
  ['another scheme', 'ftp://hooks.example.com/a', /ftp: URLs are not supported: expected http or https/],
  ['a private address', 'http://10.0.0.1/alerts', /private/],
  ['a metadata address in hex', 'http://0xa9fea9fe/latest', /link-local/],
  ['a loopback address off the allow list', 'http://127.0.0.2:4000/alerts', /loopback/],
  ['a number', 42, /expected an http\(s\) URL/],
])('alert_url %s: 400 naming alert_url, nothing saved', async (_what, alertUrl, expected) => {
  const created = await api.request<ApiErrorBody>('POST', '/api/tasks', {
    body: taskInput({ task_name: 'refused alert url', alert_url: alertUrl }),
  });
  expect(created.status).toBe(400);
  expect(created.body).toMatchObject(errorShape('VALIDATION_ERROR'));
  expect(created.body.error.details.alert_url).toMatch(expected);
  const list = await api.request<{ data: Task[] }>('GET', '/api/tasks?search=refused%20alert%20url');
  expect(list.body.data).toEqual([]);

  const task = await api.createTask();
  const patched = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
    body: { alert_url: alertUrl },
  });
  expect(patched.status).toBe(400);
  expect(patched.body.error.details.alert_url).toMatch(expected);
  expect((await api.request<Task>('GET', `/api/tasks/${task.id}`)).body.alert_url).toBeNull();
});
