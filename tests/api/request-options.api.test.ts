import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  taskInput,
} from './api-harness';

/** SPEC §14 request options: http_method, headers (masked in answers), timeout_ms. */
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const bad: [string, Record<string, unknown>, string, RegExp][] = [
  [
    'a method not in the list',
    { http_method: 'TRACE' },
    'http_method',
    /expected one of POST, PUT, PATCH, DELETE, GET/,
  ],
  ['a lower-case method', { http_method: 'post' }, 'http_method', /expected one of POST/],
  [
    'a header name that is no token',
    { headers: { 'X Team': 'a' } },
    'headers.X Team',
    /is not a header name/,
  ],
  ['Host', { headers: { Host: 'internal' } }, 'headers.Host', /set by the HTTP client/],
  [
    'Content-Length',
    { headers: { 'Content-Length': '1' } },
    'headers.Content-Length',
    /set by the HTTP client/,
  ],
  ['a webhook-* header', { headers: { 'webhook-id': 'x' } }, 'headers.webhook-id', /carry the signature/],
  ['CR/LF in a value', { headers: { 'X-A': 'a\r\nX-B: b' } }, 'headers.X-A', /CR or LF/],
  ['a value over 2048', { headers: { 'X-A': 'x'.repeat(2049) } }, 'headers.X-A', /at most 2048/],
  [
    '21 headers',
    { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-${i}`, 'v'])) },
    'headers',
    /21 headers: expected at most 20/,
  ],
  ['headers not an object', { headers: 'Authorization: x' }, 'headers', /expected a JSON object/],
  [
    'a body with GET',
    { http_method: 'GET', json_payload: { a: 1 } },
    'json_payload',
    /GET sends no body: expected no json_payload, or \{\}/,
  ],
  [
    'a body with DELETE',
    { http_method: 'DELETE', json_payload: [1] },
    'json_payload',
    /DELETE sends no body/,
  ],
  ['no payload with POST', { json_payload: undefined }, 'json_payload', /expected a JSON object or array/],
  ['timeout_ms under 1000', { timeout_ms: 999 }, 'timeout_ms', /at least 1000/],
  [
    'timeout_ms over the maximum',
    { timeout_ms: 60_001 },
    'timeout_ms',
    /at most 60000 ms \(WEBHOOK_TIMEOUT_MAX_MS\)/,
  ],
  ['timeout_ms not whole', { timeout_ms: 1500.5 }, 'timeout_ms', /whole number/],
];

describe('bad request options', () => {
  test.each(bad)('create with %s: 400 naming %s', async (_what, fields, field, expected) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', { body: taskInput(fields) });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.details[field]).toMatch(expected);
  });

  test('PATCH to GET on a task with a payload: 400 unless the payload is emptied with it', async () => {
    const task = await api.createTask();

    const refused = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
      body: { http_method: 'GET' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.json_payload).toMatch(/GET sends no body/);

    const emptied = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { http_method: 'GET', json_payload: {} },
    });
    expect(emptied.status).toBe(200);
    expect(emptied.body).toMatchObject({ http_method: 'GET', json_payload: {} });
  });
});

describe('good request options', () => {
  test('defaults: POST, no headers, the worker timeout', async () => {
    const task = await api.createTask();

    expect(task).toMatchObject({ http_method: 'POST', headers: {}, timeout_ms: null });
  });

  test('GET and DELETE without a payload store {}', async () => {
    const input = taskInput({ http_method: 'DELETE' });
    delete input.json_payload;
    const response = await api.request<Task>('POST', '/api/tasks', { body: input });

    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ http_method: 'DELETE', json_payload: {} });
  });

  test('sensitive header values are masked in every answer, stored whole, and a mask sent back keeps them', async () => {
    const token = 'Bearer 0123456789abcdefWXYZ';
    const task = await api.createTask({
      http_method: 'PUT',
      timeout_ms: 30_000,
      headers: { Authorization: token, 'X-Api-Key': 'k-1', 'X-Team': 'reports' },
    });
    const masked = { Authorization: '********WXYZ', 'X-Api-Key': '********', 'X-Team': 'reports' };

    expect(task).toMatchObject({ http_method: 'PUT', timeout_ms: 30_000, headers: masked });
    const detail = await api.request<Task>('GET', `/api/tasks/${task.id}`);
    const list = await api.request<{ data: Task[] }>('GET', '/api/tasks?limit=100');
    expect(detail.body.headers).toEqual(masked);
    expect(list.body.data.find((t) => t.id === task.id)?.headers).toEqual(masked);
    expect(JSON.stringify([detail.body, list.body])).not.toContain('0123456789abcdef');

    // The edit form sends the masks back, with one value changed.
    const edited = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, {
      body: { headers: { ...masked, 'X-Team': 'ops' } },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.headers).toEqual({ ...masked, 'X-Team': 'ops' });
    const stored = await api.database.tasks.findById(task.id);
    expect(stored?.headers).toEqual({ Authorization: token, 'X-Api-Key': 'k-1', 'X-Team': 'ops' });
  });

  test('timeout_ms null returns a task to the worker timeout', async () => {
    const task = await api.createTask({ timeout_ms: 5000 });

    const patched = await api.request<Task>('PATCH', `/api/tasks/${task.id}`, { body: { timeout_ms: null } });

    expect(patched.body.timeout_ms).toBeNull();
  });
});
