import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { waitFor } from '@scheduler/test-support';
import type { Task } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// SPEC §14: a task whose webhook says it is gone is disabled; the dashboard says why, on the
// task's page and in the list, and enabling it again clears the reason.

let dashboard: Dashboard;
let page: Page;
let receiver: http.Server;
let answered = 0;

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });
const REASON = 'the webhook answered HTTP 410 Gone: it no longer exists';

beforeAll(async () => {
  // Answers 410 to its first request, then 204: the hook was removed, then made again.
  receiver = http.createServer((_req, res) => {
    answered += 1;
    res.writeHead(answered === 1 ? 410 : 204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  dashboard = await startDashboard();
  page = dashboard.page;
  await page.goto(`${dashboard.webUrl}/settings`);
  await page.getByLabel('API key', { exact: true }).fill(API_KEY);
  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByText('Connection settings saved.'));
}, 120_000);

afterAll(async () => {
  await dashboard?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

test('a task its webhook disabled shows why on its page and in the list; enabling it clears the reason', async () => {
  const { port } = receiver.address() as AddressInfo;
  const { body: task } = await dashboard.request<Task>('POST', '/api/tasks', {
    task_name: 'Removed hook',
    task_schedule: '* * * * * *',
    webhook_url: `http://127.0.0.1:${port}/hooks/removed`,
    json_payload: { content: 'hello' },
  });
  await waitFor(
    'the task to be disabled',
    async () => (await dashboard.request<Task>('GET', `/api/tasks/${task.id}`)).body.enabled === false,
    30_000,
    200,
  );

  await page.goto(`${dashboard.webUrl}/tasks`);
  await visible(page.getByText(`Disabled automatically: ${REASON}`));

  await page.goto(`${dashboard.webUrl}/tasks/${task.id}`);
  await visible(page.getByRole('status').filter({ hasText: `Disabled automatically: ${REASON}` }));
  expect(await page.getByText('Disabled', { exact: true }).count()).toBe(1);

  await page.getByRole('switch', { name: 'Enabled' }).click();
  await page.getByText(/Disabled automatically/).waitFor({ state: 'detached', timeout: 20_000 });
  const after = await dashboard.request<Task>('GET', `/api/tasks/${task.id}`);
  expect(after.body).toMatchObject({ enabled: true, disabled_reason: null });
  // Due every second: it may be running its next run already, and it is not failed.
  expect(['ready', 'running']).toContain(after.body.task_status);
  await waitFor('the task to deliver again once enabled', async () => answered >= 2, 10_000, 100);
  expect(dashboard.pageErrors).toEqual([]);
});
