import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Destination, Task } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// The Destinations page in a real Chromium against the real system (SPEC §12): a destination a
// task aims at is listed, its limits are edited and reset, a bad limit is refused naming the
// field, and a held destination shows until when and why, with its runs waiting.
let dashboard: Dashboard;
let page: Page;

beforeAll(async () => {
  dashboard = await startDashboard();
  page = dashboard.page;
}, 120_000);
afterAll(async () => dashboard?.stop());

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });
const slow = { timeout: 30_000, interval: 200 };
const KEY = 'discord:987654321';

async function destination(): Promise<Destination | undefined> {
  const { body } = await dashboard.request<{ data: Destination[] }>('GET', '/api/destinations');
  return body.data.find((d) => d.key === KEY);
}

describe.sequential('destinations in a real browser', () => {
  test('the API key is saved in Settings', async () => {
    await page.goto(`${dashboard.webUrl}/settings`);
    await page.getByLabel('API key', { exact: true }).fill(API_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Connection settings saved.'));
  });

  test('a destination a task aims at is listed; its limits are saved, refused when bad, and reset', async () => {
    const { status } = await dashboard.request<Task>('POST', '/api/tasks', {
      task_name: 'To Discord',
      task_schedule: '0 9 1 1 *',
      webhook_url: 'https://discord.com/api/webhooks/987654321/token',
      json_payload: { content: 'hello' },
    });
    expect(status).toBe(201);
    await page.getByRole('link', { name: 'Destinations' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Destinations' }));
    const row = page.getByRole('row').filter({ hasText: KEY });
    await visible(row);
    expect(await row.textContent()).toContain('Sending');

    const maxInFlight = page.getByLabel(`Max in flight of ${KEY}`);
    expect(await maxInFlight.inputValue()).toBe('10');
    await maxInFlight.fill('2');
    await page.getByLabel(`Requests per window of ${KEY}`).fill('5');
    await page.getByLabel(`Window in seconds of ${KEY}`).fill('2');
    // The list is fetched again once the save lands; the user goes on typing meanwhile, and
    // what they type is not replaced by the stored limits arriving.
    const refetched = page.waitForResponse(
      (response) => response.url().endsWith('/api/destinations') && response.request().method() === 'GET',
    );
    await page.getByRole('button', { name: `Save limits of ${KEY}` }).click();
    await maxInFlight.fill('0');
    await visible(page.getByText(`Limits of ${KEY} saved`));
    await expect
      .poll(destination, slow)
      .toMatchObject({ max_concurrency: 2, rate_limit_max: 5, rate_limit_per_seconds: 2 });
    await refetched;
    await page.waitForTimeout(100); // the fetched list rendered
    expect(await maxInFlight.inputValue()).toBe('0');
    expect(await page.getByLabel(`Requests per window of ${KEY}`).inputValue()).toBe('5');

    await page.getByRole('button', { name: `Save limits of ${KEY}` }).click();
    await visible(page.getByText(/expected a number of requests in flight from 1/).first());
    expect((await destination())?.max_concurrency).toBe(2);

    await page.getByRole('button', { name: `Reset limits of ${KEY}` }).click();
    await visible(page.getByText(`${KEY} is back to the default limits`));
    await expect.poll(destination, slow).toMatchObject({ max_concurrency: 10, rate_limit_max: null });
    await expect.poll(() => maxInFlight.inputValue(), slow).toBe('10');
  });

  test('a held destination shows until when and why, and its runs waiting', async () => {
    const { redis, prefix } = dashboard.system;
    const dest = `${prefix}:fc:dest:${KEY}`;
    const until = Date.now() + 10 * 60_000;
    await redis.hset(dest, 'hold_until', until, 'hold_reason', 'HTTP 429 with retry_after 600 s');
    await redis.zadd(`${dest}:waiting`, until + 5000, 'job-a', until + 5000, 'job-b', until + 5000, 'job-c');
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: KEY });
    await visible(row.getByText(/Held until .*: HTTP 429 with retry_after 600 s/));
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(2, 5)).toEqual(['0', '3', '0']);
    expect(dashboard.pageErrors).toEqual([]);
  });
});
