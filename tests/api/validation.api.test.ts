import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  taskInput,
} from './api-harness';

let api: RunningApi;
let task: Task;

beforeAll(async () => {
  api = await startApi();
  task = await api.createTask();
});
afterAll(async () => api?.stop());

/** Each bad field: refused with 400, its own entry in details, and a message saying what was expected. */
const badFields: [string, Record<string, unknown>, string, RegExp][] = [
  ['empty task_name', { task_name: '' }, 'task_name', /1 to 200 characters/],
  ['task_name over 200', { task_name: 'x'.repeat(201) }, 'task_name', /at most 200/],
  ['task_name not text', { task_name: 42 }, 'task_name', /expected a name/],
  [
    'webhook_url not a URL',
    { webhook_url: 'not a url' },
    'webhook_url',
    /not a URL: expected an http\(s\) URL/,
  ],
  [
    'webhook_url ftp',
    { webhook_url: 'ftp://example.com/x' },
    'webhook_url',
    /ftp: URLs are not supported: expected http or https/,
  ],
  [
    'webhook_url with a user and password',
    { webhook_url: 'http://user:secret@127.0.0.1:9/x' },
    'webhook_url',
    /expected a URL without a user name or password: send credentials in a header/,
  ],
  [
    'json_payload a string',
    { json_payload: 'hello' },
    'json_payload',
    /expected a JSON object or array, got string/,
  ],
  ['json_payload null', { json_payload: null }, 'json_payload', /expected a JSON object or array, got null/],
  ['max_retry 11', { max_retry: 11 }, 'max_retry', /0 to 10/],
  ['max_retry -1', { max_retry: -1 }, 'max_retry', /0 to 10/],
  ['max_retry 1.5', { max_retry: 1.5 }, 'max_retry', /whole number/],
  ['max_retry "3"', { max_retry: '3' }, 'max_retry', /whole number/],
  [
    'unknown timezone',
    { timezone: 'Mars/Olympus' },
    'timezone',
    /unknown timezone "Mars\/Olympus": expected an IANA name/,
  ],
  ['enabled "yes"', { enabled: 'yes' }, 'enabled', /expected true or false/],
  // Text PostgreSQL cannot store: refused as input, never a server error.
  ['a NUL in task_name', { task_name: 'a\u0000b' }, 'task_name', /NUL character .*expected text without it/],
  [
    'a NUL in webhook_url',
    { webhook_url: 'http://127.0.0.1:9/web\u0000hook' },
    'webhook_url',
    /NUL character/,
  ],
  [
    'a NUL in a payload string',
    { json_payload: { embeds: [{ title: 'x\u0000y' }] } },
    'json_payload',
    /the text at \$\.embeds\[0\]\.title contains a NUL character/,
  ],
  ['a NUL in a payload key', { json_payload: { 'a\u0000': 1 } }, 'json_payload', /the key at .* NUL/],
  [
    'half a surrogate pair in the payload',
    { json_payload: { a: '\ud800' } },
    'json_payload',
    /the text at \$\.a contains half of a UTF-16 surrogate pair: expected valid Unicode/,
  ],
  ['half a surrogate pair in task_name', { task_name: 'x\udc00' }, 'task_name', /surrogate/],
  [
    'a snowflake id as a number (rounded by any JSON reader)',
    { json_payload: { allowed_mentions: { users: [Number('123456789012345678')] } } },
    'json_payload',
    /the number at \$\.allowed_mentions\.users\[0\] is too large to keep exactly: .*as a string/,
  ],
  [
    'a schedule over 256 characters',
    { task_schedule: `* * * * *${' '.repeat(300)}` },
    'task_schedule',
    /at most 256 characters/,
  ],
  [
    'an unknown field',
    { colour: 'high' },
    'colour',
    /unknown field: expected only task_name, task_schedule, run_at, webhook_url, json_payload, max_retry, priority, timezone, enabled, depends_on, starts_at, ends_at, paused_until, deliver_within_ms, catch_up, jitter_ms, http_method, headers, timeout_ms, alert_url$/,
  ],
];

describe('POST /api/tasks refuses each invalid field with VALIDATION_ERROR naming it', () => {
  test.each(badFields)('%s', async (_name, overrides, field, message) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', { body: taskInput(overrides) });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.details[field]).toMatch(message);
    expect(response.body.error.message).toContain(field);
  });

  test('a missing required field is named', async () => {
    const { task_name: _omitted, ...body } = taskInput();
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toHaveProperty('task_name');
  });

  test('several bad fields are all reported at once', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ max_retry: 99, timezone: 'Nowhere/City', webhook_url: 'mailto:a@b' }),
    });
    expect(Object.keys(response.body.error.details).sort()).toEqual(['max_retry', 'timezone', 'webhook_url']);
  });

  test('nothing invalid reaches the database', async () => {
    const { rows } = await api.database.tasks.listWithLastAttempt({
      page: 1,
      limit: 100,
      sort: 'created_at',
      order: 'asc',
    });
    expect(rows.map((row) => row.id)).toEqual([task.id]);
  });
});

describe('INVALID_SCHEDULE names the field, the value and the accepted range', () => {
  test.each([
    ['61 * * * *', /minute/i, /61/, /0-59/],
    ['0 25 * * *', /hour/i, /25/, /0-23/],
    ['0 0 32 * *', /day/i, /32/, /1-31/],
    ['0 0 * 13 *', /month/i, /13/, /1-12/],
  ])('"%s"', async (schedule, field, value, range) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ task_schedule: schedule }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('INVALID_SCHEDULE'));
    const detail = response.body.error.details.task_schedule as string;
    for (const part of [field, value, range]) expect(detail).toMatch(part);
  });

  test('a schedule that never comes due (February 30th)', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ task_schedule: '0 0 30 2 *' }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_SCHEDULE');
    expect(response.body.error.details.task_schedule).toMatch(
      /never comes due: expected a schedule that fires/,
    );
  });

  test('text that is not cron at all', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ task_schedule: 'every day at nine' }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_SCHEDULE');
  });

  test('PATCH with a bad schedule is refused the same way, and changes nothing', async () => {
    const response = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
      body: { task_schedule: '* * * * * * *' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_SCHEDULE');
    expect((await api.database.tasks.findById(task.id))?.task_schedule).toBe(task.task_schedule);
  });
});

describe('a payload too large, and fields a route does not take', () => {
  test('a json_payload over 64 KiB: 413 PAYLOAD_TOO_LARGE naming it and the limit, on create and PATCH', async () => {
    const big = { big: 'x'.repeat(70_000) };
    const created = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ json_payload: big, max_retry: 99 }),
    });
    expect(created.status).toBe(413);
    expect(created.body).toEqual(errorShape('PAYLOAD_TOO_LARGE'));
    expect(created.body.error.details.json_payload).toMatch(
      /payload is 70010 bytes serialized: expected at most 65536 \(64 KiB\)/,
    );
    // Whatever else is wrong is still named.
    expect(created.body.error.details.max_retry).toMatch(/0 to 10/);

    const patched = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
      body: { json_payload: big },
    });
    expect(patched.status).toBe(413);
    expect(patched.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await api.database.tasks.findById(task.id))?.json_payload).toEqual(task.json_payload);
  });

  test('PATCH with only an unknown field names it and the fields that can change, and nothing else', async () => {
    const response = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
      body: { colour: 'high' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual({
      colour:
        'unknown field: expected only task_name, task_schedule, run_at, webhook_url, json_payload, max_retry, priority, timezone, enabled, depends_on, starts_at, ends_at, paused_until, deliver_within_ms, catch_up, jitter_ms, http_method, headers, timeout_ms, alert_url, task_status',
    });
  });
});

/** A create body whose json_payload is `payload`, spelled as given (for JSON a JS value cannot express). */
const rawPayloadBody = (payload: string) =>
  JSON.stringify(taskInput({ json_payload: '__payload__' })).replace('"__payload__"', payload);

describe('payloads JSON allows but a task cannot keep', () => {
  test('nested 5,000 deep: 400 naming the depth limit, and the API stays up', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: rawPayloadBody(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.json_payload).toMatch(
      /nests deeper than 64 levels .*expected at most 64/,
    );
    expect((await api.request('GET', `/api/tasks/${task.id}`)).status).toBe(200);
  });

  test('a number too large for JSON (1e400): 400, not stored as null', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: rawPayloadBody('{"amount": 1e400}'),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.json_payload).toMatch(/the number at \$\.amount is out of range/);
  });
});

describe('bodies that are not a task', () => {
  test('malformed JSON: 400 VALIDATION_ERROR saying where it broke', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', { body: '{"task_name": "x",' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.message).toMatch(/^malformed JSON: .*JSON/);
  });

  test('a body over 1 MiB: 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await api.request('POST', '/api/tasks', {
      body: taskInput({ json_payload: { big: 'x'.repeat(1_100_000) } }),
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual(errorShape('PAYLOAD_TOO_LARGE'));
  });

  test('an empty JSON body for create: 400 asking for the task fields', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/expected a JSON object with the task fields/);
  });

  test.each([['[1,2]'], ['"text"'], ['42'], ['null']])(
    'a JSON %s instead of an object: 400',
    async (body) => {
      const response = await api.request('POST', '/api/tasks', { body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    },
  );

  test('a Content-Type other than JSON: 400 saying JSON was expected', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: 'task_name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/expected application\/json/);
  });

  test('a JSON body with __proto__ is refused', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: '{"__proto__": {"admin": true}, "task_name": "x"}',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.message).toMatch(/__proto__/);
    expect(response.body.error.details).toEqual({ body: 'a __proto__ key is not accepted (at __proto__)' });
  });

  test.each([
    [
      'a field',
      '{"task_name": {"__proto__": 0}}',
      'task_name',
      'a __proto__ key is not accepted (at task_name.__proto__)',
    ],
    [
      'deep in the payload',
      '{"json_payload": {"a": [{"constructor": {"prototype": {}}}]}}',
      'json_payload',
      'a constructor.prototype key is not accepted (at json_payload.a.0.constructor.prototype)',
    ],
  ])('a __proto__ key in %s is refused naming that field', async (_where, body, field, reason) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual({ [field]: reason });
  });

  test.each([
    [
      'a top-level constructor.prototype',
      '{"constructor": {"prototype": {}}}',
      'a constructor.prototype key is not accepted (at constructor.prototype)',
    ],
    ['a top-level array', '[{"__proto__": 1}]', 'a __proto__ key is not accepted (at 0.__proto__)'],
  ])('%s is refused under body, not a field', async (_what, body, reason) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual({ body: reason });
  });

  test('a __proto__ key nested 10,000 deep is refused, with or without a key, and the API stays up', async () => {
    const deep = `{"json_payload": ${'['.repeat(10_000)}{"__proto__": 0}${']'.repeat(10_000)}}`;
    const created = await api.request<ApiErrorBody>('POST', '/api/tasks', { body: deep });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual({
      body: 'a __proto__ or constructor.prototype key is not accepted',
    });
    // An unknown route is answered without a key, after its body is parsed.
    const stranger = await api.request('POST', '/no-such-route', { body: deep, key: null });
    expect(stranger.status).toBeLessThan(500);
    expect((await api.request('GET', '/health', { key: null })).status).toBe(200);
  });

  test('PATCH with an empty object: 400 asking for a field to change', async () => {
    const response = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, { body: {} });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/at least one field/);
  });

  test.each([['application/json'], ['text/plain'], ['application/octet-stream']])(
    'toggle and execute accept an empty body sent as %s',
    async (contentType) => {
      const headers = { 'content-type': contentType };
      expect((await api.request('POST', `/api/tasks/${task.id}/toggle`, { headers })).status).toBe(200);
      expect((await api.request('POST', `/api/tasks/${task.id}/toggle`, { headers })).status).toBe(200);
    },
  );

  test.each([['{}'], ['null']])('toggle takes %s as no body', async (body) => {
    expect((await api.request('POST', `/api/tasks/${task.id}/toggle`, { body })).status).toBe(200);
    expect((await api.request('POST', `/api/tasks/${task.id}/toggle`, { body })).status).toBe(200);
  });

  test.each([
    ['toggle', { enabled: false }, 'enabled'],
    ['execute', { delay: 5 }, 'delay'],
  ])('%s with a body: 400 naming what it does not take, and nothing changes', async (route, body, field) => {
    const before = await api.database.tasks.findById(task.id);
    const response = await api.request<ApiErrorBody>('POST', `/api/tasks/${task.id}/${route}`, { body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.message).toBe(
      `${route} takes no body, got field ${field}: expected an empty body or {}.`,
    );
    expect(response.body.error.details[field]).toBe(`unknown field: ${route} takes no body`);
    const after = await api.database.tasks.findById(task.id);
    expect([after?.enabled, after?.task_status]).toEqual([before?.enabled, before?.task_status]);
  });
});

test('a URL that does not decode: 400 in the error shape', async () => {
  const response = await api.request<ApiErrorBody>('GET', '/api/tasks/%E0%A4%A');
  expect(response.status).toBe(400);
  expect(response.body).toEqual(errorShape('VALIDATION_ERROR'));
  expect(response.body.error.message).toMatch(/Malformed URL/);
});

describe('unknown routes', () => {
  test.each([
    ['GET', '/api/nothing-here'],
    ['GET', '/'],
    ['PUT', '/api/tasks'],
    ['POST', '/api/tasks/x/y/z'],
  ])('%s %s: 404 NOT_FOUND in the error shape', async (method, route) => {
    const response = await api.request<ApiErrorBody>(method, route);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorShape('NOT_FOUND'));
    expect(response.body.error.message).toContain(route);
  });
});

// After the checks above that count the tasks in the database.
describe('valid input is stored as given', () => {
  test.each([
    ['compact JSON just under 64 KiB', Array.from({ length: 30_000 }, () => 1)],
    ['exactly 64 KiB', { a: 'x'.repeat(65_536 - '{"a":""}'.length) }],
    ['nested 64 deep', JSON.parse(`${'['.repeat(64)}${']'.repeat(64)}`) as unknown],
  ])('a payload of %s', async (_name, payload) => {
    const created = await api.createTask({ json_payload: payload });
    const read = await api.request<Task>('GET', `/api/tasks/${created.id}`);
    expect(read.body.json_payload).toEqual(payload);
  });

  test('a timezone in any case is stored under its IANA name', async () => {
    const created = await api.createTask({ timezone: 'europe/paris' });
    expect(created.timezone).toBe('Europe/Paris');
  });
});
