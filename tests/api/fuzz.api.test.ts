import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  taskInput,
} from './api-harness';

// Random and malformed bodies thrown at create and patch: the API answers every one
// with a 4xx in the error shape (or, for a body that happens to be valid, 2xx) — never a 5xx.
let api: RunningApi;
let task: Task;

beforeAll(async () => {
  api = await startApi();
  task = await api.createTask();
});
afterAll(async () => api?.stop());

const taskFields = [
  'task_name',
  'task_schedule',
  'webhook_url',
  'json_payload',
  'max_retry',
  'timezone',
  'enabled',
  'task_status',
];

/** Values a client might send by mistake: wrong types, edge numbers, odd text, deep nesting. */
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  // Any code point, NUL and half surrogate pairs included: text PostgreSQL refuses to store.
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 10 })),
  fc.constantFrom(
    '',
    ' ',
    '* * * * *',
    '0 0 31 2 *',
    '@reboot',
    'UTC',
    'Europe/Paris',
    'http://',
    'javascript:alert(1)',
  ),
  fc.constantFrom(0, -1, 10, 11, 1e308, -0, 2 ** 53, 0.5),
  fc.constantFrom(null, true, false, [], {}),
);

const taskLikeBody = fc.dictionary(
  fc.oneof(fc.constantFrom(...taskFields), fc.string({ maxLength: 20 })),
  oddValue,
  {
    maxKeys: 9,
  },
);

function expectRefusedOrServed(status: number, body: unknown, success: number): void {
  expect(status, JSON.stringify(body)).toBeLessThan(500);
  if (status >= 400) {
    expect(status).toBe(400);
    expect(body).toEqual(errorShape((body as ApiErrorBody).error.code));
    expect(['VALIDATION_ERROR', 'INVALID_SCHEDULE']).toContain((body as ApiErrorBody).error.code);
  } else {
    expect(status).toBe(success);
  }
}

test('POST /api/tasks with any JSON value is refused with 400 in the error shape', async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (body) => {
      const response = await api.request('POST', '/api/tasks', { body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body).toEqual(errorShape((response.body as ApiErrorBody).error.code));
    }),
    { numRuns: 150 },
  );
});

test('POST /api/tasks with malformed text is refused with 400 in the error shape', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
      const response = await api.request('POST', '/api/tasks', {
        body: text,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status, `${JSON.stringify(text)} → ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    }),
    { numRuns: 150 },
  );
});

test('POST /api/tasks with one field of a valid task replaced by an odd value: never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...taskFields), oddValue, async (field, value) => {
      const response = await api.request('POST', '/api/tasks', { body: taskInput({ [field]: value }) });
      expectRefusedOrServed(response.status, response.body, 201);
      if (response.status === 400)
        expect((response.body as ApiErrorBody).error.details).toHaveProperty(field);
    }),
    { numRuns: 200 },
  );
});

test('POST and PATCH with random task-like objects: never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(taskLikeBody, async (body) => {
      const created = await api.request('POST', '/api/tasks', { body });
      expectRefusedOrServed(created.status, created.body, 201);
      const patched = await api.request('PATCH', `/api/tasks/${task.id}`, { body });
      expectRefusedOrServed(patched.status, patched.body, 200);
    }),
    { numRuns: 150 },
  );
});
