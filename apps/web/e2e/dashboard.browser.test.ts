import path from 'node:path';
import { repoRoot } from '@scheduler/config';
import { nextRunTimes } from '@scheduler/core';
import { waitFor } from '@scheduler/test-support';
import type { Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page as ApiPage, Task, TaskDetail, TaskListItem, TaskLogListItem } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// One user's day with the dashboard, in a real Chromium against the real system. The steps build
// on each other (the task created through the form is the one toggled, run and filtered), so they
// run in order in one file; each asserts what the user sees, and checks the API agrees.

/** The README's pictures are refreshed on request (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
const screenshots = path.join(
  repoRoot,
  process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/images' : 'test-results/screenshots',
);
/** The browser's zone: the task form starts with it. */
const browserZone = 'Europe/Paris';
/** Far from now (09:00 on January 1st), so the only attempts are the ones run by hand. */
const yearly = '0 9 1 1 *';
const taskName = 'Browser test greeting';
const payload = { content: 'Hello from the browser test', embeds: [{ title: 'Task Scheduler' }] };
/** Generous for a loaded 2-core machine; the dashboard refreshes itself every 5 s. */
const slow = { timeout: 30_000, interval: 200 };

let dashboard: Dashboard;
let page: Page;
let taskId: string;
/** The task whose webhook answers 404, added by another client for the logs. */
let brokenId: string;

beforeAll(async () => {
  dashboard = await startDashboard({ timezoneId: browserZone });
  page = dashboard.page;
}, 120_000);

afterAll(async () => {
  await dashboard?.stop();
});

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });

/** The rows of a table, each cell under its column's header text. */
function readTable(table: Locator): Promise<Record<string, string>[]> {
  return table.evaluate((element) => {
    const headers = [...element.querySelectorAll('thead th')].map((th) =>
      // A sortable header's arrow is decoration (aria-hidden), not its name.
      (th.textContent ?? '').replace(/[↕▲▼]/g, '').trim(),
    );
    return [...element.querySelectorAll('tbody tr')].map((row) =>
      Object.fromEntries(
        [...row.querySelectorAll('td')].map((cell, index) => [
          headers[index] || String(index),
          cell.textContent?.trim() ?? '',
        ]),
      ),
    );
  });
}

/** A picture of the whole page for the README, cut to its content, without the toasts floating over it. */
async function screenshot(name: string): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) await buttons.first().click();
  const viewport = page.viewportSize() ?? { width: 1280, height: 860 };
  // The layout is at least a screen high: a short window makes the full page as high as its content.
  await page.setViewportSize({ width: viewport.width, height: 400 });
  try {
    await page.screenshot({ path: path.join(screenshots, name), fullPage: true, animations: 'disabled' });
  } finally {
    await page.setViewportSize(viewport);
  }
}

interface ChartLabel {
  text: string;
  /** The size the text is drawn at on the screen, in CSS px: its font size times the SVG's scale. */
  fontSize: number;
  box: { left: number; right: number; top: number; bottom: number };
}

/** The labels of a chart (an SVG) as drawn on the screen, and the chart's own box. */
function readChartLabels(chart: Locator): Promise<{ labels: ChartLabel[]; chart: ChartLabel['box'] }> {
  return chart.evaluate((svg) => {
    const boxOf = (element: Element) => {
      const { left, right, top, bottom } = element.getBoundingClientRect();
      return { left, right, top, bottom };
    };
    return {
      labels: [...svg.querySelectorAll('text')]
        .filter((text) => text.textContent?.trim())
        .map((text) => ({
          text: text.textContent ?? '',
          fontSize: parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM()?.a ?? 1),
          box: boxOf(text),
        })),
      chart: boxOf(svg),
    };
  });
}

/** What makes a chart's labels hard to read: drawn small, on top of each other, or cut off at its edge. */
async function chartLabelProblems(chart: Locator): Promise<string[]> {
  const { labels, chart: frame } = await readChartLabels(chart);
  const problems: string[] = [];
  labels.forEach(({ text, fontSize, box }, index) => {
    if (fontSize < 10) problems.push(`"${text}" is drawn at ${fontSize.toFixed(1)} px`);
    if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5)
      problems.push(`"${text}" is cut off at the chart's edge`);
    for (const other of labels.slice(index + 1)) {
      const overlap =
        Math.min(box.right, other.box.right) - Math.max(box.left, other.box.left) > 0.5 &&
        Math.min(box.bottom, other.box.bottom) - Math.max(box.top, other.box.top) > 0.5;
      if (overlap) problems.push(`"${text}" overlaps "${other.text}"`);
    }
  });
  return problems;
}

async function navigate(section: 'Overview' | 'Tasks' | 'Logs' | 'Settings'): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: section, exact: true })
    .click();
  await visible(page.getByRole('heading', { level: 1, name: section }));
}

describe.sequential('the dashboard in a real browser', () => {
  test('the API key entered in Settings connects, and is still there after a reload', async () => {
    await page.goto(`${dashboard.webUrl}/`);
    // Without a key every page points to Settings.
    await visible(page.getByRole('heading', { name: 'Connect to the API' }));
    await page.getByRole('link', { name: 'Open Settings' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Settings' }));

    const keyInput = page.getByLabel('API key', { exact: true });
    await keyInput.fill('not-the-key-of-this-deployment');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'Connection failed' });
    await visible(failure);
    // The API's own words, from its error body.
    expect(await failure.textContent()).toContain('Wrong X-API-KEY');

    await keyInput.fill(API_KEY);
    const connected = page.getByText('Connected: the API answered and knows 0 tasks.');
    // Straight to the API, cross-origin: its CORS_ORIGIN lets this dashboard's origin in.
    await page.getByLabel('API URL').fill(dashboard.apiUrl);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await visible(connected);
    // Empty: the dashboard's own origin, which proxies /api to the API (as `npm start` serves it).
    await page.getByLabel('API URL').fill('');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await visible(connected);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Connection settings saved.'));

    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: 'Settings' }));
    expect(await page.getByLabel('API key', { exact: true }).inputValue()).toBe(API_KEY);
    // The saved key opens the other pages.
    await navigate('Overview');
    await visible(page.getByText('Executions (24 h)'));
    expect(await page.getByRole('heading', { name: 'Connect to the API' }).count()).toBe(0);
  });

  test('a task is created through the form: an invalid cron is refused inline, a valid one previewed', async () => {
    const creations: Request[] = [];
    const recordCreation = (request: Request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/tasks')
        creations.push(request);
    };
    page.on('request', recordCreation);

    await navigate('Tasks');
    await visible(page.getByText('No tasks yet.'));
    await page.getByRole('link', { name: 'New task' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New task' }));

    await page.getByLabel('Name', { exact: true }).fill(taskName);
    await page.getByLabel('Webhook URL').fill(dashboard.system.webhookUrl);
    await page.getByLabel('JSON payload').fill(JSON.stringify(payload, null, 2));
    await visible(page.getByText(/^Valid JSON/));
    expect(await page.getByLabel('Timezone').inputValue()).toBe(browserZone);

    const schedule = page.getByLabel('Schedule (cron)');
    await schedule.fill('61 * * * *');
    // The parser the publisher runs, word for word, as the user types.
    await visible(page.getByText("Too large value '61' in minutes: expected values in the range 0-59."));
    expect(await schedule.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('list', { name: 'Next due instants' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Create task' }).click();
    // Refused in the browser: no request, still on the form, the cron input focused.
    await waitFor('the schedule input to take the focus', () =>
      schedule.evaluate((input) => input === document.activeElement),
    );
    expect(creations).toEqual([]);
    expect(new URL(page.url()).pathname).toBe('/tasks/new');
    expect((await dashboard.request<ApiPage<TaskListItem>>('GET', '/api/tasks')).body.meta.total).toBe(0);

    await schedule.fill(yearly);
    await visible(page.getByText('At 09:00, on day 1 of the month, only in January'));
    await visible(page.getByText(`Next due, shown in ${browserZone}`));
    const dueInstants = page.getByRole('list', { name: 'Next due instants' }).locator('time');
    const expected = nextRunTimes(yearly, browserZone, new Date(), 5).map((date) => date.toISOString());
    expect(
      await dueInstants.evaluateAll((times) => times.map((time) => time.getAttribute('dateTime'))),
    ).toEqual(expected);
    // January 1st, 09:00 in Paris is 08:00 UTC; shown in the task's zone.
    expect(await dueInstants.first().textContent()).toMatch(/^\w{3} \d{4}-01-01 09:00:00 Europe\/Paris$/);

    await screenshot('task-form.png');

    await page.getByRole('button', { name: 'Create task' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    taskId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await visible(page.getByRole('heading', { level: 1, name: taskName }));
    await visible(page.getByText(`Task "${taskName}" created.`));
    expect(creations).toHaveLength(1);
    page.off('request', recordCreation);

    const { body: saved } = await dashboard.request<TaskDetail>('GET', `/api/tasks/${taskId}`);
    expect(saved).toMatchObject({
      task_name: taskName,
      task_schedule: yearly,
      timezone: browserZone,
      webhook_url: dashboard.system.webhookUrl,
      json_payload: payload,
      max_retry: 3,
      enabled: true,
      task_status: 'ready',
      next_run_at: expected[0],
    });

    await navigate('Tasks');
    const table = page.getByRole('table', { name: 'Tasks' });
    await visible(table.getByRole('link', { name: taskName, exact: true }));
    const [row] = await readTable(table);
    expect(row?.Task).toBe(`${taskName}${yearly} · ${browserZone}`);
    expect(row?.Status).toBe('Ready');
    expect(row?.['Last result']).toBe('Never run');
    expect(row?.['Next run']).toContain('-01-01 09:00:00 Europe/Paris');
  });

  test('the enabled switch pauses and resumes the task, and the API agrees', async () => {
    const enabledSwitch = page.getByRole('switch', { name: `Enabled: ${taskName}` });
    expect(await enabledSwitch.getAttribute('aria-checked')).toBe('true');

    await enabledSwitch.click();
    await expect.poll(() => enabledSwitch.getAttribute('aria-checked'), slow).toBe('false');
    await visible(page.getByText(`"${taskName}" paused.`));
    expect((await dashboard.request<Task>('GET', `/api/tasks/${taskId}`)).body.enabled).toBe(false);

    await enabledSwitch.click();
    await expect.poll(() => enabledSwitch.getAttribute('aria-checked'), slow).toBe('true');
    await visible(page.getByText(`"${taskName}" enabled.`));
    expect((await dashboard.request<Task>('GET', `/api/tasks/${taskId}`)).body.enabled).toBe(true);
  });

  test('run now delivers the payload, and the attempt appears on the task page', async () => {
    await page.getByRole('button', { name: `Run ${taskName} now` }).click();
    await visible(page.getByText(`"${taskName}" was queued to run now.`));

    await page
      .getByRole('table', { name: 'Tasks' })
      .getByRole('link', { name: taskName, exact: true })
      .click();
    await visible(page.getByRole('heading', { level: 1, name: taskName }));
    const attempts = page.getByRole('table', { name: `Attempts of ${taskName}` });
    // The page refreshes itself: the attempt shows up once the worker has delivered it.
    await expect
      .poll(async () => ((await attempts.count()) > 0 ? readTable(attempts) : []), slow)
      .toEqual([expect.objectContaining({ Status: 'Succeeded', Attempt: 'First', HTTP: '200' })]);
    expect(await dashboard.system.dummyCount()).toBe(1);

    const { body: logs } = await dashboard.request<ApiPage<TaskLogListItem>>(
      'GET',
      `/api/tasks/${taskId}/logs`,
    );
    expect(logs.data).toEqual([
      expect.objectContaining({ task_name: taskName, status: 'finish', http_status: 200, retry_count: 0 }),
    ]);
    // The task is ready again, and its next run is still the yearly one.
    await expect
      .poll(async () => (await dashboard.request<Task>('GET', `/api/tasks/${taskId}`)).body.task_status, slow)
      .toBe('ready');
    const { body: after } = await dashboard.request<Task>('GET', `/api/tasks/${taskId}`);
    expect(after.next_run_at).toBe(nextRunTimes(yearly, browserZone, new Date(), 1)[0]?.toISOString());
  });

  test('the logs page filters attempts by status, task and date', async () => {
    // Another client adds a task whose webhook answers 404, and runs it: one failed attempt.
    const { status, body: broken } = await dashboard.request<Task>('POST', '/api/tasks', {
      task_name: 'Broken hook',
      task_schedule: yearly,
      webhook_url: `${dashboard.system.dummyUrl}/no-such-hook`,
      json_payload: { content: 'nobody listens here' },
      max_retry: 0,
    });
    expect(status).toBe(201);
    brokenId = broken.id;
    expect((await dashboard.request('POST', `/api/tasks/${broken.id}/execute`)).status).toBe(202);
    await waitFor(
      'the broken task to fail',
      async () =>
        (await dashboard.request<Task>('GET', `/api/tasks/${broken.id}`)).body.task_status === 'failed',
      30_000,
    );

    await navigate('Logs');
    const table = page.getByRole('table', { name: 'Attempts' });
    const rows = () => readTable(table);
    await expect
      .poll(async () => (await rows()).map((row) => [row.Task, row.Status]), slow)
      .toEqual([
        ['Broken hook', 'Failed'],
        [taskName, 'Succeeded'],
      ]);

    await page.getByLabel('Status').selectOption({ label: 'Failed' });
    await expect
      .poll(async () => (await rows()).map((row) => [row.Task, row.Status, row.HTTP]), slow)
      .toEqual([['Broken hook', 'Failed', '404']]);

    await page.getByLabel('Status').selectOption({ label: 'Succeeded' });
    await expect
      .poll(async () => (await rows()).map((row) => [row.Task, row.Status, row.HTTP]), slow)
      .toEqual([[taskName, 'Succeeded', '200']]);

    await page.getByLabel('Status').selectOption({ label: 'All statuses' });
    await page.getByLabel('Task', { exact: true }).selectOption({ label: 'Broken hook' });
    await expect.poll(async () => (await rows()).map((row) => row.Task), slow).toEqual(['Broken hook']);

    // From tomorrow on: nothing yet.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: browserZone,
      dateStyle: 'short',
      timeStyle: 'short',
    })
      .format(tomorrow)
      .replace(' ', 'T');
    await page.getByLabel('From').fill(local);
    await visible(page.getByText('No attempt matches these filters.'), 30_000);
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => (await rows()).length, slow).toBe(2);
  });

  test('the task list searches and filters through the API', async () => {
    await navigate('Tasks');
    const table = page.getByRole('table', { name: 'Tasks' });
    // The name links of the rows shown (none while the list says nothing matches).
    const names = () => table.locator('tbody tr td:first-child a').allTextContents();
    await expect.poll(names, slow).toEqual(['Broken hook', taskName]);

    await page.getByLabel('Search').fill('greeting');
    await expect.poll(names, slow).toEqual([taskName]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Status').selectOption({ label: 'Failed' });
    await expect.poll(names, slow).toEqual(['Broken hook']);
    await page.getByLabel('Status').selectOption({ label: 'All statuses' });
    await page.getByLabel('Enabled', { exact: true }).selectOption({ label: 'Paused only' });
    await visible(page.getByText('No task matches these filters.'), 30_000);
    await page.getByLabel('Enabled', { exact: true }).selectOption({ label: 'Enabled only' });
    await expect.poll(names, slow).toEqual(['Broken hook', taskName]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  test('the overview shows the counts, the 24 h figures and the latest failure', async () => {
    await navigate('Overview');
    const figure = (label: string) =>
      page.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
    await expect.poll(() => figure('Tasks').first().textContent(), slow).toBe('2');
    expect(await figure('Failed').textContent()).toBe('1');
    expect(await figure('Executions (24 h)').textContent()).toBe('2');
    expect(await figure('Runs delivered (24 h)').textContent()).toBe('50.0%');
    const chart = page.getByRole('img', {
      name: /Executions per hour over the last 24 hours: 1 succeeded, 1 failed/,
    });
    await visible(chart);
    expect(await chartLabelProblems(chart)).toEqual([]);
    const failures = page.getByRole('region', { name: 'Latest failures' });
    await visible(failures.getByRole('link', { name: 'Broken hook' }));
    expect(await failures.textContent()).toContain('HTTP 404 · first attempt');

    await screenshot('overview.png');
  });

  test('a failed task is re-armed from its page, and a task is deleted after a confirmation', async () => {
    await navigate('Tasks');
    await page
      .getByRole('table', { name: 'Tasks' })
      .getByRole('link', { name: 'Broken hook', exact: true })
      .click();
    await visible(page.getByRole('heading', { level: 1, name: 'Broken hook' }));
    await visible(
      page.getByText(
        'Failed: HTTP 404 — not retryable: the webhook refused the request. Re-arm it to schedule it again.',
      ),
    );
    await page.getByRole('button', { name: 'Re-arm' }).click();
    await visible(page.getByText('"Broken hook" re-armed: it runs again at its next due instant.'));
    await expect.poll(() => page.getByRole('button', { name: 'Re-arm' }).count(), slow).toBe(0);
    const { body: rearmed } = await dashboard.request<Task>('GET', `/api/tasks/${brokenId}`);
    expect(rearmed.task_status).toBe('ready');

    await page.getByRole('button', { name: 'Delete Broken hook' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete "Broken hook"?' });
    await visible(dialog);
    await dialog.getByRole('button', { name: 'Delete task' }).click();
    await page.waitForURL(/\/tasks$/, { timeout: 20_000 });
    await visible(page.getByText('"Broken hook" deleted.'));
    await expect
      .poll(async () => (await readTable(page.getByRole('table', { name: 'Tasks' }))).length, slow)
      .toBe(1);
    expect((await dashboard.request('GET', `/api/tasks/${brokenId}`)).status).toBe(404);
  });

  test('on a phone-sized screen every page fits its width (wide tables scroll inside their card), and chart labels stay readable', async () => {
    const perHour = page.getByRole('img', { name: /^Executions per hour over the last 24 hours/ });
    await navigate('Overview');
    await visible(perHour);
    await page.setViewportSize({ width: 390, height: 844 });
    // Redrawn for the narrower screen as it changes, without a reload.
    await expect.poll(() => chartLabelProblems(perHour), slow).toEqual([]);

    const pages: [string, Locator][] = [
      ['/', page.getByText('Executions (24 h)')],
      ['/tasks', page.getByRole('table', { name: 'Tasks' })],
      [`/tasks/${taskId}`, page.getByRole('table', { name: `Attempts of ${taskName}` })],
      ['/tasks/new', page.getByRole('list', { name: 'Next due instants' })],
      ['/logs', page.getByRole('table', { name: 'Attempts' })],
      ['/settings', page.getByLabel('API key', { exact: true })],
    ];
    const overflowing: string[] = [];
    for (const [route, content] of pages) {
      await page.goto(`${dashboard.webUrl}${route}`);
      await visible(content);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) overflowing.push(`${route} is ${width} px wide`);
    }
    expect(overflowing).toEqual([]);

    // The charts draw their labels at a readable size rather than shrinking with the screen.
    const executionTime = page.getByRole('img', { name: /^Execution time of the last 1 attempts/ });
    for (const [route, chart] of [
      ['/', perHour],
      [`/tasks/${taskId}`, executionTime],
    ] as const) {
      await page.goto(`${dashboard.webUrl}${route}`);
      await visible(chart);
      expect({ route, problems: await chartLabelProblems(chart) }).toEqual({ route, problems: [] });
      if (chart === perHour) {
        // Every few hours is labelled, not only the latest one.
        const { labels } = await readChartLabels(chart);
        expect(labels.filter(({ text }) => /^\d\d:\d\d$/.test(text)).length).toBeGreaterThanOrEqual(3);
      }
    }
    expect(dashboard.pageErrors).toEqual([]);
  });
});
