import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitFor } from '@scheduler/test-support';
import type { Task } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// What a user notices about task states, times, the Logs filters and a phone-sized screen, in a
// real Chromium against the real system. The steps build on each other, so they run in order.

const browserZone = 'Europe/Paris';
/** Far from now, so the only attempts are the ones run by hand. */
const yearly = '0 9 1 1 *';
const slow = { timeout: 30_000, interval: 200 };

let dashboard: Dashboard;
let page: Page;
/** Fails at once on a 404, then is fixed and re-armed. */
let brokenId: string;
/** Paused. */
let pausedId: string;

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });

async function createTask(body: Record<string, unknown>): Promise<Task> {
  const { status, body: task } = await dashboard.request<Task>('POST', '/api/tasks', {
    task_schedule: yearly,
    webhook_url: dashboard.system.webhookUrl,
    json_payload: { content: 'hello' },
    ...body,
  });
  expect(status).toBe(201);
  return task;
}

async function open(route: string, ready: Locator): Promise<void> {
  await page.goto(`${dashboard.webUrl}${route}`);
  await visible(ready);
}

/** The text of the settings item named `term` on a task's page (by its whole name: "Next run" is not "Next runs"). */
const setting = (term: string) =>
  page
    .locator('dt', { hasText: new RegExp(`^${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .textContent();

beforeAll(async () => {
  dashboard = await startDashboard({ timezoneId: browserZone });
  page = dashboard.page;
  await page.goto(`${dashboard.webUrl}/settings`);
  await page.getByLabel('API key', { exact: true }).fill(API_KEY);
  await page.getByRole('button', { name: 'Save' }).click();
  await visible(page.getByText('Connection settings saved.'));
}, 120_000);

afterAll(async () => {
  await dashboard?.stop();
});

describe.sequential('task states, times and filters in a real browser', () => {
  test('a new install: the Logs page says there is no attempt yet, not that filters match nothing', async () => {
    await open('/logs', page.getByText('No attempts yet.'));
    expect(await page.getByText(/matches these filters/).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Clear filters' }).isDisabled()).toBe(true);
  });

  test('relative times count down every second (the form previews a schedule every 10 s)', async () => {
    await open('/tasks/new', page.getByLabel('Schedule (cron)'));
    await page.getByLabel('Schedule (cron)').fill('*/10 * * * * *');
    const first = page.getByRole('list', { name: 'Next due instants' }).locator('li').first().locator('span');
    await visible(first);
    const seen = new Set<string>();
    const until = Date.now() + 3500;
    while (Date.now() < until) {
      seen.add((await first.textContent()) ?? '');
      await page.waitForTimeout(250);
    }
    // Over 3.5 s, a clock ticking every second shows at least three different texts.
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  test('a task refused with a 404 says why it failed; its edit page saves the fix and re-arms it', async () => {
    const broken = await createTask({
      task_name: 'Broken hook',
      webhook_url: `${dashboard.system.dummyUrl}/no-such-hook`,
      max_retry: 3,
    });
    brokenId = broken.id;
    expect((await dashboard.request('POST', `/api/tasks/${brokenId}/execute`)).status).toBe(202);
    await waitFor(
      'the broken task to fail',
      async () =>
        (await dashboard.request<Task>('GET', `/api/tasks/${brokenId}`)).body.task_status === 'failed',
      30_000,
    );

    await open(`/tasks/${brokenId}`, page.getByRole('heading', { level: 1, name: 'Broken hook' }));
    await visible(
      page.getByText(
        'Failed: HTTP 404 — not retryable: the webhook refused the request. Re-arm it to schedule it again.',
      ),
    );
    expect(await page.getByText(/Out of retries/).count()).toBe(0);
    expect(await setting('Next run')).toBe('Not until re-armed');

    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await visible(page.getByText('This task failed: it runs again only once re-armed.'));
    await page.getByLabel('Webhook URL').fill(dashboard.system.webhookUrl);
    await page.getByRole('button', { name: 'Save and re-arm' }).click();
    await visible(page.getByText('Task "Broken hook" saved and re-armed.'));
    await visible(page.getByRole('heading', { level: 1, name: 'Broken hook' }));
    const { body: fixed } = await dashboard.request<Task>('GET', `/api/tasks/${brokenId}`);
    expect(fixed).toMatchObject({ task_status: 'ready', webhook_url: dashboard.system.webhookUrl });
    // The page shows the task as the API now has it.
    await expect.poll(() => page.getByText(/^Failed:/).count(), slow).toBe(0);
  });

  test('a paused task shows no next run, on the list and on its page, even once its instant has passed', async () => {
    const paused = await createTask({ task_name: 'Paused hook', task_schedule: '* * * * *' });
    pausedId = paused.id;
    expect((await dashboard.request('POST', `/api/tasks/${pausedId}/toggle`)).status).toBe(200);

    const link = page.getByRole('link', { name: 'Paused hook', exact: true });
    await open('/tasks', link);
    const row = page.getByRole('row').filter({ has: link });
    expect(await row.locator('td').nth(3).textContent()).toBe('Not until enabled');
    await open(`/tasks/${pausedId}`, page.getByRole('heading', { level: 1, name: 'Paused hook' }));
    expect(await setting('Next run')).toBe('Not until enabled');
  });

  test('every instant is shown in the browser zone, by name: the task page and the Logs page agree', async () => {
    const newYork = await createTask({ task_name: 'New York hook', timezone: 'America/New_York' });
    expect((await dashboard.request('POST', `/api/tasks/${newYork.id}/execute`)).status).toBe(202);
    await open(`/tasks/${newYork.id}`, page.getByRole('heading', { level: 1, name: 'New York hook' }));
    const attempts = page.getByRole('table', { name: 'Attempts of New York hook' });
    await visible(attempts, 30_000);
    const onTaskPage = await attempts.locator('tbody tr td').first().locator('span').textContent();
    expect(onTaskPage).toMatch(/^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Europe\/Paris$/);
    expect(await setting('Next run')).toMatch(/ \d\d:\d\d:\d\d Europe\/Paris /);
    expect(await setting('Timezone')).toContain('America/New_York');

    await open('/logs', page.getByRole('table', { name: 'Attempts' }));
    const row = page
      .getByRole('table', { name: 'Attempts' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'New York hook', exact: true }) });
    expect(await row.locator('td').first().locator('span').textContent()).toBe(onTaskPage);
  });

  test('Logs: "Find a task" narrows the attempts, namesakes are told apart, and "Clear filters" clears it', async () => {
    await createTask({ task_name: 'New York hook', task_schedule: '0 8 * * *' });
    await open('/logs', page.getByRole('table', { name: 'Attempts' }));
    const names = () =>
      page.getByRole('table', { name: 'Attempts' }).locator('tbody tr td:nth-child(2)').allTextContents();
    await expect.poll(async () => new Set(await names()).size, slow).toBeGreaterThan(1);

    await page.getByLabel('Find a task').fill('broken');
    await expect.poll(async () => [...new Set(await names())], slow).toEqual(['Broken hook']);
    const clear = page.getByRole('button', { name: 'Clear filters' });
    expect(await clear.isEnabled()).toBe(true);

    await page.getByLabel('Find a task').fill('new york');
    await visible(page.getByText('2 tasks match: pick one under Task.'));
    const options = await page.getByLabel('Task', { exact: true }).locator('option').allTextContents();
    expect(options.filter((option) => option.startsWith('New York hook')).sort()).toEqual([
      expect.stringMatching(/^New York hook \(0 8 \* \* \*, [0-9a-f]{8}\)$/),
      expect.stringMatching(/^New York hook \(0 9 1 1 \*, [0-9a-f]{8}\)$/),
    ]);

    await clear.click();
    expect(await page.getByLabel('Find a task').inputValue()).toBe('');
    await expect.poll(async () => new Set(await names()).size, slow).toBeGreaterThan(1);
    expect(await clear.isDisabled()).toBe(true);
  });

  test('Logs: the labels stay put when the "To" error appears', async () => {
    const labelTops = () =>
      page
        .locator('[role="search"] label')
        .evaluateAll((labels) => labels.map((label) => Math.round(label.getBoundingClientRect().top)));
    const before = await labelTops();
    await page.getByLabel('From', { exact: true }).fill('2030-01-02T08:00');
    await page.getByLabel('To', { exact: true }).fill('2030-01-01T08:00');
    await visible(page.getByText('Pick a "To" at or after "From".'));
    expect(await labelTops()).toEqual(before);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  test("a deleted task's page says so and leads back to the list", async () => {
    expect((await dashboard.request('DELETE', `/api/tasks/${pausedId}`)).status).toBe(204);
    await open(`/tasks/${pausedId}`, page.getByText('This task does not exist: it may have been deleted.'));
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Back to the task list' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Tasks' }));
  });

  test('a long payload line wraps on the task page instead of being cut off', async () => {
    const long = await createTask({
      task_name: 'Long payload',
      json_payload: { content: 'word '.repeat(120), token: 'x'.repeat(300) },
    });
    await open(`/tasks/${long.id}`, page.getByRole('heading', { level: 1, name: 'Long payload' }));
    const payload = page.locator('dt', { hasText: 'Payload' }).locator('xpath=following-sibling::dd[1]//pre');
    const { scrollWidth, clientWidth } = await payload.evaluate((pre) => ({
      scrollWidth: pre.scrollWidth,
      clientWidth: pre.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  test('on a phone (390 px): row actions on screen, the list on the first screen, pagination on one line', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [route, heading, table] of [
      ['/tasks', 'Tasks', 'Tasks'],
      ['/logs', 'Logs', 'Attempts'],
    ] as const) {
      await open(route, page.getByRole('table', { name: table }));
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).toBeLessThanOrEqual(390);
      // The filters fold behind a button: the first row is on the first screen.
      expect(await page.getByRole('button', { name: 'Clear filters' }).isVisible(), route).toBe(false);
      const firstRow = await page
        .getByRole('table', { name: table })
        .locator('tbody tr')
        .first()
        .boundingBox();
      expect(firstRow && firstRow.y + Math.min(firstRow.height, 60), route).toBeLessThan(844);
      // Pagination on one line: its parts share a row.
      const nav = page.getByRole('navigation', { name: /^Pages of / });
      const box = await nav.boundingBox();
      expect(box?.height, `${heading} pagination height`).toBeLessThan(56);
    }

    await open('/tasks', page.getByRole('table', { name: 'Tasks' }));
    for (const name of ['Run Broken hook now', 'Edit Broken hook', 'Delete Broken hook']) {
      const action = await page
        .getByRole('button', { name })
        .or(page.getByRole('link', { name }))
        .boundingBox();
      expect(action && action.x >= 0 && action.x + action.width <= 390, name).toBe(true);
    }
    // The filters are one tap away.
    await page.getByRole('button', { name: 'Filters' }).click();
    await visible(page.getByLabel('Search'));
    expect(dashboard.pageErrors).toEqual([]);
  });
});
