import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiErrorBody, errorShape, type RunningApi, startApi, taskInput } from './api-harness';

/**
 * SPEC §14: a Discord webhook's payload is checked against Discord's limits when it is
 * saved or sent again with an edit; each breach is named by JSON path. Nothing here
 * connects to Discord: the API only reads the URL and the payload.
 */
let api: RunningApi;
const discordUrl = 'https://discord.com/api/webhooks/123456/token-abc';

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const breaches: [string, unknown, string, string][] = [
  [
    'a 3,000-character content',
    { content: 'x'.repeat(3000) },
    'json_payload.content',
    '3,000 characters; Discord allows at most 2,000',
  ],
  [
    '11 embeds',
    { embeds: Array.from({ length: 11 }, (_, i) => ({ title: `#${i}` })) },
    'json_payload.embeds',
    '11 embeds; Discord allows at most 10',
  ],
  [
    'a username containing "Discord"',
    { content: 'hi', username: 'Discord Bot' },
    'json_payload.username',
    'contains "discord"; Discord refuses usernames containing "discord" or "clyde" (in any case)',
  ],
  [
    '6,000+ characters of embed text',
    { embeds: [{ description: 'a'.repeat(4096) }, { description: 'b'.repeat(2000) }] },
    'json_payload.embeds',
    '6,096 characters of embed text in all; Discord allows at most 6,000',
  ],
  [
    'no content at all',
    { username: 'Reporter' },
    'json_payload',
    'no content, embeds, components or poll; Discord needs at least one of them',
  ],
  [
    'a field value of 1,240 characters',
    {
      embeds: [
        { fields: [0, 1, 2, 3].map((i) => ({ name: `f${i}`, value: i === 3 ? 'v'.repeat(1240) : 'v' })) },
      ],
    },
    'json_payload.embeds[0].fields[3].value',
    '1,240 characters; Discord allows at most 1,024',
  ],
];

describe('Discord payloads', () => {
  test.each(breaches)('create with %s: 400 naming %s', async (_what, payload, path, message) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ webhook_url: discordUrl, json_payload: payload }),
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.details[path]).toBe(message);
    expect(response.body.error.message).toContain(`${path}: ${message}`);
  });

  test('the same payloads are fine for a webhook that is not Discord', async () => {
    for (const [, payload] of breaches.filter(([what]) => what !== 'no content at all')) {
      const response = await api.request('POST', '/api/tasks', {
        body: taskInput({ json_payload: payload }),
      });
      expect(response.status).toBe(201);
    }
  });

  test('a Discord path on another host is checked too (services that copy its API)', async () => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({
        webhook_url: 'http://127.0.0.1:9/api/v10/webhooks/1/t',
        json_payload: { username: 'x' },
      }),
    });

    expect(response.status).toBe(400);
    expect(response.body.error.details.json_payload).toMatch(/Discord needs at least one/);
  });

  test('update: a new payload, or a task moved to a Discord URL, is checked with what it will send', async () => {
    const discord = await api.createTask({ webhook_url: discordUrl, json_payload: { content: 'ok' } });
    const payload = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${discord.id}`, {
      body: { json_payload: { content: 'x'.repeat(2001) } },
    });
    expect(payload.status).toBe(400);
    expect(payload.body.error.details['json_payload.content']).toBe(
      '2,001 characters; Discord allows at most 2,000',
    );

    const plain = await api.createTask({ json_payload: { text: 'not Discord-shaped' } });
    const moved = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${plain.id}`, {
      body: { webhook_url: discordUrl },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details.json_payload).toMatch(/no content, embeds, components or poll/);
  });

  test('a run retried with an edited payload is checked against the task’s Discord URL', async () => {
    const task = await api.createTask({ webhook_url: discordUrl, json_payload: { content: 'ok' } });
    const failed = await api.database.runs.create({
      task_id: task.id,
      scheduled_for: new Date(Date.now() - 60_000),
      trigger: 'schedule',
      status: 'failed',
      attempt_count: 1,
      finished_at: new Date(),
    });

    const response = await api.request<ApiErrorBody>('POST', `/api/runs/${failed.id}/retry`, {
      body: { json_payload: { content: 'hi', embeds: Array.from({ length: 12 }, () => ({ title: 't' })) } },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.details['json_payload.embeds']).toBe('12 embeds; Discord allows at most 10');
  });
});
