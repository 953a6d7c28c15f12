import type { Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Task } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// Live updates in a real Chromium against the real system (SPEC §15): while the event stream is
// open, a task's page shows a new attempt without a reload and without polling. Pages are set
// to refresh every 2 s, so a page that polled while connected would be caught within the quiet
// windows below; the only API requests it makes are the ones that follow the run's events.

const QUIET_MS = 5000;
const yearly = '0 9 1 1 *';

let dashboard: Dashboard;
let page: Page;

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });

interface Seen {
  at: number;
  method: string;
  path: string;
  kind: string;
}
const seen: Seen[] = [];
const record = (request: Request) => {
  const url = new URL(request.url());
  seen.push({ at: Date.now(), method: request.method(), path: url.pathname, kind: request.resourceType() });
};

/** The requests the page made since `from`, but the event stream it keeps open. */
const madeSince = (from: number) =>
  seen.filter((request) => request.at >= from && request.path !== '/api/events');
const apiGetsSince = (from: number) =>
  madeSince(from).filter((request) => request.method === 'GET' && request.path.startsWith('/api/'));

beforeAll(async () => {
  dashboard = await startDashboard();
  page = dashboard.page;
  await page.goto(`${dashboard.webUrl}/settings`);
  await page.getByLabel('API key', { exact: true }).fill(API_KEY);
  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByText('Connection settings saved.'));
  await page.getByLabel('Refresh open pages').selectOption('2000');
  page.on('request', record);
}, 120_000);

afterAll(async () => {
  await dashboard?.stop();
});

describe.sequential('live updates in a real browser', () => {
  test('a task page shows a new attempt from the live events: no reload, no poll while connected', async () => {
    const { status, body: task } = await dashboard.request<Task>('POST', '/api/tasks', {
      task_name: 'Live hook',
      task_schedule: yearly,
      webhook_url: dashboard.system.webhookUrl,
      json_payload: { content: 'hello' },
    });
    expect(status).toBe(201);
    await page.goto(`${dashboard.webUrl}/tasks/${task.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Live hook' }));
    const indicator = page.locator('[data-live]');
    await visible(page.locator('[data-live="live"]'));
    expect(await indicator.textContent()).toBe('Live');
    const attempts = page.getByRole('table', { name: 'Attempts of Live hook' });
    expect(await attempts.count()).toBe(0);

    // Connected and nothing happening: no request at all, though pages refresh every 2 s.
    await page.waitForTimeout(1000);
    const quietFrom = Date.now();
    await page.waitForTimeout(QUIET_MS);
    expect(madeSince(quietFrom)).toEqual([]);

    // The run: its attempt appears on the page as it is, from the events.
    const runFrom = Date.now();
    expect((await dashboard.request('POST', `/api/tasks/${task.id}/execute`)).status).toBe(202);
    await visible(attempts, 30_000);
    await expect.poll(() => attempts.locator('tbody tr').count(), { timeout: 30_000, interval: 100 }).toBe(1);
    const appeared = Date.now();
    // No reload: no document was requested, and the stream stayed open throughout.
    expect(madeSince(runFrom).filter((request) => request.kind === 'document')).toEqual([]);
    expect(await page.locator('[data-live="live"]').count()).toBe(1);
    // What it fetched in between, it fetched because of the run's events (they name the task and
    // the dashboard refetches what they changed): reads of this task only, never of another page.
    const between = apiGetsSince(runFrom).filter((request) => request.at <= appeared);
    for (const request of between) expect(request.path).toContain(`/api/tasks/${task.id}`);

    // Once the run has ended, nothing more is fetched: no timer is running.
    await page.waitForTimeout(1500);
    const afterFrom = Date.now();
    await page.waitForTimeout(QUIET_MS);
    expect(madeSince(afterFrom)).toEqual([]);
    expect(await indicator.textContent()).toBe('Live');
    expect(dashboard.pageErrors).toEqual([]);
  });
});
