import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi, taskInput } from './api-harness';

/**
 * SPEC §14 payload templates: a placeholder the worker could not render — an unknown
 * name, or a `{{` never closed — is refused wherever a payload is saved or sent again
 * with an edit, naming json_payload and listing the names it takes; nothing changes.
 */
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const known =
  'scheduled_for, scheduled_for_unix, scheduled_for_local, task_id, task_name, run_id, attempt, trigger';

const refused: [string, unknown, string][] = [
  [
    'an unknown name',
    { text: 'Hello {{user_name}}' },
    `json_payload.text: {{user_name}} is not a known placeholder: expected one of ${known}`,
  ],
  [
    'an unclosed placeholder',
    { text: 'Report for {{task_name' },
    `json_payload.text: "{{task_name" is not closed: expected {{name}} with one of ${known}`,
  ],
  [
    'an unknown name deep in an embed',
    { content: 'x', embeds: [{ fields: [{ name: 'when', value: '{{scheduled_at}}' }] }] },
    `json_payload.embeds[0].fields[0].value: {{scheduled_at}} is not a known placeholder: expected one of ${known}`,
  ],
];

describe('payload templates', () => {
  test.each(refused)(
    'create with %s: 400 naming json_payload, nothing saved',
    async (_what, payload, message) => {
      const before = await api.request<{ meta: { total: number } }>('GET', '/api/tasks');
      const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
        body: taskInput({ json_payload: payload }),
      });

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
      expect(response.body.error.details.json_payload).toBe(message);
      const after = await api.request<{ meta: { total: number } }>('GET', '/api/tasks');
      expect(after.body.meta.total).toBe(before.body.meta.total);
    },
  );

  test('every placeholder of SPEC §14 is taken, and the payload is kept as written', async () => {
    const payload = {
      content: 'Run {{run_id}} of {{ task_name }} ({{task_id}}), try {{attempt}} by {{trigger}}',
      at: ['{{scheduled_for}}', '<t:{{scheduled_for_unix}}:R>', '{{scheduled_for_local}}'],
    };
    const task = await api.createTask({ json_payload: payload });

    expect(task.json_payload).toEqual(payload);
  });

  test('update: an unknown placeholder is refused and the stored payload stays', async () => {
    const task = await api.createTask({ json_payload: { text: '{{task_name}}' } });
    const response = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
      body: { json_payload: { text: '{{taskname}}' } },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.details.json_payload).toBe(
      `json_payload.text: {{taskname}} is not a known placeholder: expected one of ${known}`,
    );
    const stored = await api.request<{ json_payload: unknown }>('GET', `/api/tasks/${task.id}`);
    expect(stored.body.json_payload).toEqual({ text: '{{task_name}}' });
  });

  test('a run retried with an edited payload: an unclosed placeholder is refused, no run made', async () => {
    const task = await api.createTask();
    const failed = await api.database.runs.create({
      task_id: task.id,
      scheduled_for: new Date(Date.now() - 60_000),
      trigger: 'schedule',
      status: 'failed',
      attempt_count: 1,
      finished_at: new Date(),
    });

    const response = await api.request<ApiErrorBody>('POST', `/api/runs/${failed.id}/retry`, {
      body: { json_payload: { text: 'again {{attempt' } },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.details.json_payload).toBe(
      `json_payload.text: "{{attempt" is not closed: expected {{name}} with one of ${known}`,
    );
    const runs = await api.request<{ data: unknown[] }>('GET', `/api/runs?task_id=${task.id}`);
    expect(runs.body.data).toHaveLength(1);
  });
});
