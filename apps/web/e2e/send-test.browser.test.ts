import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// The task form's "Send test" in a real Chromium against the real system (SPEC §14): the form's
// request goes out once now through the API, and its status, time and answer are shown; a
// refused target says why and sends nothing. The receivers listen on loopback; the refused
// target is 127.0.0.2, left off the allow list.
let dashboard: Dashboard;
let page: Page;
let receiver: http.Server;
let origin: string;
const received: { method: string; body: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  dashboard = await startDashboard();
  page = dashboard.page;
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        body: Buffer.concat(chunks).toString(),
        headers: req.headers,
      });
      if (req.url === '/broken') res.writeHead(500).end('upstream exploded');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await dashboard?.stop();
});

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });

describe.sequential('"Send test" in a real browser', () => {
  test('the API key is saved in Settings', async () => {
    await page.goto(`${dashboard.webUrl}/settings`);
    await page.getByLabel('API key', { exact: true }).fill(API_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Connection settings saved.'));
  });

  test('a new task’s request is sent once, rendered, and its status, time and answer are shown; nothing is saved', async () => {
    await page.goto(`${dashboard.webUrl}/tasks/new`);
    await page.getByLabel('Name', { exact: true }).fill('Tested from the form');
    await page.getByLabel('Webhook URL').fill(`${origin}/hook`);
    await page.getByLabel('JSON payload').fill('{"text": "test {{attempt}} by {{trigger}}"}');
    await page.getByRole('button', { name: 'Send test' }).click();

    const result = page.getByRole('region', { name: 'Test result' });
    await visible(result.getByText(/^HTTP 200 · \d+ ms$/));
    expect(await result.getByLabel('Answer').textContent()).toBe('{"received":true}');
    expect(received.map(({ method, body }) => ({ method, body }))).toEqual([
      { method: 'POST', body: '{"text":"test 1 by manual"}' },
    ]);
    const tasks = await dashboard.request<{ meta: { total: number } }>('GET', '/api/tasks');
    expect(tasks.body.meta.total).toBe(0);
  });

  test('an answer other than 2xx shows its status and body as a failure', async () => {
    await page.getByLabel('Webhook URL').fill(`${origin}/broken`);
    await page.getByRole('button', { name: 'Send test' }).click();

    const result = page.getByRole('region', { name: 'Test result' });
    await visible(result.getByText(/^HTTP 500 · \d+ ms$/));
    await visible(result.getByText('HTTP 500: the webhook did not accept it'));
    expect(await result.getByLabel('Answer').textContent()).toBe('upstream exploded');
  });

  test('a refused target says why, and nothing is sent', async () => {
    received.length = 0;
    await page.getByLabel('Webhook URL').fill('http://127.0.0.2:8080/hook');
    await page.getByRole('button', { name: 'Send test' }).click();

    const result = page.getByRole('region', { name: 'Test result' });
    await visible(result.getByText(/^Not sent: webhook_url: 127\.0\.0\.2 is a loopback address/));
    expect(received).toHaveLength(0);
  });

  test('from the edit form: signed with the task’s secret, its stored header value behind the mask', async () => {
    const { body: task } = await dashboard.request<{ id: string; signing_secret: string }>(
      'POST',
      '/api/tasks',
      {
        task_name: 'Saved task',
        task_schedule: '0 9 1 1 *',
        webhook_url: `${origin}/hook`,
        json_payload: { text: '{{task_name}}' },
        headers: { Authorization: 'Bearer kept-in-storage-9876' },
      },
    );
    received.length = 0;
    await page.goto(`${dashboard.webUrl}/tasks/${task.id}/edit`);
    await page.getByRole('button', { name: 'Send test' }).click();

    await visible(page.getByRole('region', { name: 'Test result' }).getByText(/^HTTP 200 · \d+ ms$/));
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toBe('{"text":"Saved task"}');
    expect(received[0]?.headers.authorization).toBe('Bearer kept-in-storage-9876');
    expect(received[0]?.headers['webhook-signature']).toMatch(/^v1,/);
  });
});
