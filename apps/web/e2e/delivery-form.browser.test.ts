import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// The task form's live Discord preview, and its "Send test", in a real Chromium against the real system (SPEC §14): the form's
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

describe.sequential('the Discord preview and "Send test" in a real browser', () => {
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

  test('a destination held by its flow control: "Not sent", with why and until when', async () => {
    const { redis, prefix } = dashboard.system;
    const until = Date.now() + 10 * 60_000;
    await redis.hset(
      `${prefix}:fc:dest:discord:777`,
      'hold_until',
      until,
      'hold_reason',
      'HTTP 429 with retry_after 600 s',
    );
    await page.goto(`${dashboard.webUrl}/tasks/new`);
    await page.getByLabel('Webhook URL').fill(`${origin}/api/webhooks/777/token`);
    await page.getByLabel('JSON payload').fill('{"content": "held?"}');
    received.length = 0;
    await page.getByRole('button', { name: 'Send test' }).click();

    const result = page.getByRole('region', { name: 'Test result' });
    await visible(result.getByText('Not sent', { exact: true }));
    await visible(
      result.getByText(
        `not sent: discord:777 is waited for until ${new Date(until).toISOString()} (HTTP 429 with retry_after 600 s); try again then`,
      ),
    );
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
  test('a Discord webhook’s payload is previewed as Discord shows it, rendered, updated as it is typed', async () => {
    await page.goto(`${dashboard.webUrl}/tasks/new`);
    await page.getByLabel('Name', { exact: true }).fill('Daily standup');
    await page.getByLabel('Schedule (cron)').fill('0 9 * * *');
    const payload = page.getByLabel('JSON payload');
    await payload.fill('{"content": "{{task_name}} is due"}');
    await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
    const preview = page.getByRole('region', { name: 'Discord preview' });
    // Not a Discord webhook: no preview.
    expect(await preview.count()).toBe(0);

    await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/api/webhooks/123/token');
    await visible(preview);
    expect(await preview.getByLabel('Content').textContent()).toBe('Daily standup is due');
    expect(await preview.getByLabel('Username').textContent()).toBe('Webhook');

    await payload.fill(
      JSON.stringify({
        username: 'Standup bot',
        avatar_url: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=',
        content: 'Next: <t:{{scheduled_for_unix}}:R>',
        embeds: [
          {
            title: '{{task_name}}',
            description: 'What did you do?',
            color: 5793266,
            fields: [{ name: 'Zone', value: '{{scheduled_for_local}}' }],
            footer: { text: 'Task Scheduler' },
          },
        ],
      }),
    );
    await visible(preview.getByLabel('Username').getByText('Standup bot'));
    expect(await preview.getByRole('img', { name: 'Avatar of Standup bot' }).getAttribute('src')).toMatch(
      /^data:/,
    );
    expect(await preview.getByLabel('Content').textContent()).toMatch(
      /^Next: in \d+ (hours?|minutes?|seconds?)$/,
    );
    const embed = preview.getByRole('article', { name: 'Embed Daily standup' });
    await visible(embed);
    expect(await embed.textContent()).toContain('What did you do?');
    expect(await embed.getByRole('term').textContent()).toBe('Zone');
    expect(await embed.getByRole('definition').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}T09:00:00/);
    expect(await embed.textContent()).toContain('Task Scheduler');
    expect(await embed.evaluate((element) => getComputedStyle(element).borderLeftColor)).toBe(
      'rgb(88, 101, 242)',
    );
    expect(await preview.getByText('Within Discord’s limits. Shown as the next run sends it.').count()).toBe(
      1,
    );

    // A breach shows at once, by JSON path, as the API would refuse it.
    await payload.fill('{"username": "My Discord Bot", "content": "hi"}');
    const limits = preview.getByRole('list', { name: 'Discord limits' });
    await visible(limits);
    expect(await limits.textContent()).toContain(
      'json_payload.username: contains "discord"; Discord refuses usernames containing "discord" or "clyde" (in any case)',
    );
  });
});
