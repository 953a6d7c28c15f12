import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiErrorBody,
  errorShape,
  type RunningApi,
  startApi,
  type Task,
  taskInput,
} from './api-harness';

/**
 * SPEC §14 at the API: an IP literal of a class webhooks may not reach is refused at
 * create and update, in any notation. Nothing here connects anywhere: the API only reads
 * the URL. The test API allows 127.0.0.1, localhost and ::1 (test-support's allow list).
 */
let api: RunningApi;
let task: Task;

beforeAll(async () => {
  api = await startApi();
  task = await api.createTask();
});
afterAll(async () => api?.stop());

const refused: [string, string][] = [
  ['http://127.0.0.2:5432/', 'loopback'],
  ['http://2130706434/', 'loopback'],
  ['http://0x7f000002/', 'loopback'],
  ['http://0177.0.0.2/', 'loopback'],
  ['http://[::ffff:127.0.0.2]/', 'loopback'],
  ['http://169.254.169.254/latest/meta-data/', 'link-local'],
  ['http://0xa9fea9fe/', 'link-local'],
  ['http://[fe80::1]/', 'link-local'],
  ['http://10.0.0.1/', 'private'],
  ['http://012.0.0.1/', 'private'],
  ['http://192.168.1.10:8080/hook', 'private'],
  ['http://[::ffff:10.0.0.1]/', 'private'],
  ['https://[fd00:ec2::254]/', 'unique-local'],
  ['http://100.64.0.1/', 'CGNAT'],
  ['http://224.0.0.1/', 'multicast'],
  ['http://[ff02::1]/', 'multicast'],
  ['http://0.0.0.0/', 'unspecified'],
  ['http://[::]/', 'unspecified'],
  ['http://255.255.255.255/', 'reserved'],
  ['http://[2001:db8::1]/', 'reserved'],
];

describe('IP literals webhooks may not reach', () => {
  test.each(refused)('create with %s: 400 naming the %s class', async (webhookUrl, addressClass) => {
    const response = await api.request<ApiErrorBody>('POST', '/api/tasks', {
      body: taskInput({ webhook_url: webhookUrl }),
    });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
    expect(response.body.error.details.webhook_url).toMatch(new RegExp(`is an? ${addressClass} address`));
    expect(response.body.error.message).toMatch(/^webhook_url: /);
  });

  test.each(refused.slice(0, 6))(
    'update to %s: 400, the task unchanged',
    async (webhookUrl, addressClass) => {
      const response = await api.request<ApiErrorBody>('PATCH', `/api/tasks/${task.id}`, {
        body: { webhook_url: webhookUrl },
      });

      expect(response.status).toBe(400);
      expect(response.body.error.details.webhook_url).toMatch(new RegExp(`is an? ${addressClass} address`));
      const after = await api.request<Task>('GET', `/api/tasks/${task.id}`);
      expect(after.body.webhook_url).toBe(task.webhook_url);
    },
  );
});

describe('what may be saved', () => {
  test.each([
    'http://127.0.0.1:4000/webhook', // on the allow list
    'http://[::1]:4000/webhook', // on the allow list
    'http://localhost:4000/webhook', // a host name: checked when connecting
    'https://discord.com/api/webhooks/1/abc',
    'https://93.184.216.34/hook', // a public address
  ])('%s', async (webhookUrl) => {
    const response = await api.request<Task>('POST', '/api/tasks', {
      body: taskInput({ webhook_url: webhookUrl }),
    });

    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });
});
