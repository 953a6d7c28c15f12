import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  type TaskPage,
} from './api-harness';

/** SPEC §14: a task's signing secret is in its create answer and behind its own routes, nowhere else. */
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('signing secrets', () => {
  test('the create answer carries the secret; GET …/secret gives it again; lists and details never do', async () => {
    const created = await api.createTask();
    const secret = (created as Task & { signing_secret?: string }).signing_secret ?? '';

    expect(secret).toMatch(SECRET);
    const fetched = await api.request<{ signing_secret: string }>('GET', `/api/tasks/${created.id}/secret`);
    expect(fetched).toMatchObject({ status: 200, body: { signing_secret: secret } });

    const detail = await api.request('GET', `/api/tasks/${created.id}`);
    const list = await api.request<TaskPage>('GET', '/api/tasks');
    const patched = await api.request('PATCH', `/api/tasks/${created.id}`, { body: { max_retry: 1 } });
    const toggled = await api.request('POST', `/api/tasks/${created.id}/toggle`);
    for (const answer of [detail, list, patched, toggled]) {
      expect(JSON.stringify(answer.body)).not.toContain(secret.slice('whsec_'.length));
      expect(JSON.stringify(answer.body)).not.toContain('signing_secret');
    }
    expect(api.process.output()).not.toContain(secret.slice('whsec_'.length));
  });

  test('each task has a secret of its own', async () => {
    const [a, b] = [await api.createTask(), await api.createTask()];

    expect((a as Task & { signing_secret: string }).signing_secret).not.toBe(
      (b as Task & { signing_secret: string }).signing_secret,
    );
  });

  test('rotate-secret answers a new secret, which GET …/secret then gives', async () => {
    const created = await api.createTask();
    const before = (created as Task & { signing_secret: string }).signing_secret;

    const rotated = await api.request<{ signing_secret: string }>(
      'POST',
      `/api/tasks/${created.id}/rotate-secret`,
    );

    expect(rotated.status).toBe(200);
    expect(rotated.body.signing_secret).toMatch(SECRET);
    expect(rotated.body.signing_secret).not.toBe(before);
    const fetched = await api.request<{ signing_secret: string }>('GET', `/api/tasks/${created.id}/secret`);
    expect(fetched.body.signing_secret).toBe(rotated.body.signing_secret);
  });

  test('an unknown task: 404 on both routes; rotate-secret takes no body', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, route] of [
      ['GET', `/api/tasks/${missing}/secret`],
      ['POST', `/api/tasks/${missing}/rotate-secret`],
    ] as const) {
      const response = await api.request<ApiErrorBody>(method, route);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject(errorShape('NOT_FOUND'));
    }
    const created = await api.createTask();
    const withBody = await api.request<ApiErrorBody>('POST', `/api/tasks/${created.id}/rotate-secret`, {
      body: { secret: 'mine' },
    });
    expect(withBody.status).toBe(400);
  });

  test('the OpenAPI document shows no real secret in its examples', async () => {
    const response = await fetch(`${api.url}/api/docs-json`);
    const text = await response.text();

    expect(text).toContain('/api/tasks/{id}/rotate-secret');
    expect(text).not.toMatch(/whsec_[A-Za-z0-9+/]{20,}/);
  });
});
