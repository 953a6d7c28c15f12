import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { repoRoot } from '@scheduler/config';
import { waitFor } from '@scheduler/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunDetail, RunListItem, Task, TaskDetail } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// Runs in a real Chromium against the real system (SPEC §11): the Runs page and its filters, a
// run's page with its attempts, retry with an edited payload, cancel with a confirmation, and
// one-time tasks made with "Once at". Runs are made as a user makes them (run now, retry,
// cancel) and, for one the engine makes only at a due instant (expired), through the repository.

const screenshots = path.join(repoRoot, 'test-results/screenshots');
const browserZone = 'Europe/Paris';
const yearly = '0 9 1 1 *';
const slow = { timeout: 30_000, interval: 200 };

let dashboard: Dashboard;
let page: Page;
/** A webhook of this test's own: /fail answers 500, /hang answers only once the test ends. */
let hooks: Server;
let hooksUrl: string;
const hanging = new Set<() => void>();

const ids: { ok: string; flaky: string; hang: string; flakyRun: string; retryRun: string } = {
  ok: '',
  flaky: '',
  hang: '',
  flakyRun: '',
  retryRun: '',
};

beforeAll(async () => {
  hooks = createServer((request, response) => {
    request.resume();
    if (request.url === '/hang') {
      hanging.add(() => response.end('late'));
      return;
    }
    response.statusCode = 500;
    response.end('flaky hook is down');
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hooksUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  dashboard = await startDashboard({ timezoneId: browserZone });
  page = dashboard.page;
}, 120_000);

afterAll(async () => {
  for (const release of hanging) release();
  await dashboard?.stop();
  hooks?.closeAllConnections();
  await new Promise((resolve) => hooks?.close(resolve));
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

async function createTask(body: Record<string, unknown>): Promise<Task> {
  const { status, body: task } = await dashboard.request<Task>('POST', '/api/tasks', {
    task_schedule: yearly,
    json_payload: { content: 'hello' },
    ...body,
  });
  expect(status).toBe(201);
  return task;
}

async function runNow(taskId: string): Promise<RunListItem> {
  const { status, body } = await dashboard.request<RunListItem>('POST', `/api/tasks/${taskId}/execute`);
  expect(status).toBe(202);
  return body;
}

async function runEnded(runId: string, statuses = ['finish', 'failed', 'cancelled']): Promise<RunDetail> {
  let run: RunDetail | undefined;
  await waitFor(
    `run ${runId} to end`,
    async () => {
      run = (await dashboard.request<RunDetail>('GET', `/api/runs/${runId}`)).body;
      return statuses.includes(run.status);
    },
    40_000,
  );
  return run as RunDetail;
}

async function screenshotBoth(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect({ name, width }).toEqual({ name, width: 390 });
    await page.screenshot({ path: path.join(screenshots, `${name}-phone.png`), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 860 });
  }
}

const runsTable = () => page.getByRole('table', { name: 'Runs', exact: true });
const runRows = async () => (await readTable(runsTable())).map((row) => [row.Task, row.Status, row.Trigger]);

describe.sequential('runs in a real browser', () => {
  test('the API key is saved in Settings', async () => {
    await page.goto(`${dashboard.webUrl}/settings`);
    await page.getByLabel('API key', { exact: true }).fill(API_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Connection settings saved.'));
  });

  test('the Runs page lists runs newest first; the overview links its failed runs; filters by status, trigger, task and dates', async () => {
    const ok = await createTask({ task_name: 'Runs ok', webhook_url: dashboard.system.webhookUrl });
    const flaky = await createTask({
      task_name: 'Runs flaky',
      webhook_url: `${hooksUrl}/fail`,
      max_retry: 2,
    });
    ids.ok = ok.id;
    ids.flaky = flaky.id;
    // A run that expired two days ago (the engine expires runs only at a due instant).
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await dashboard.system.database.runs.create({
      task_id: ok.id,
      scheduled_for: twoDaysAgo,
      trigger: 'schedule',
      status: 'expired',
      finished_at: twoDaysAgo,
      message: 'not delivered in time',
    });
    const okRun = await runNow(ok.id);
    await runEnded(okRun.id);
    const flakyRun = await runNow(flaky.id);
    ids.flakyRun = flakyRun.id;
    expect((await runEnded(flakyRun.id)).status).toBe('failed');

    await page.goto(`${dashboard.webUrl}/`);
    await page.getByRole('link', { name: 'Failed runs' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Runs' }));
    expect(new URL(page.url()).search).toBe('?status=failed,expired');
    expect(await page.getByRole('checkbox', { name: 'Failed' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Expired' }).isChecked()).toBe(true);
    await expect.poll(runRows, slow).toEqual([
      ['Runs flaky', 'Failed', 'Run now'],
      ['Runs ok', 'Expired', 'Schedule'],
    ]);
    const [flakyRow] = await readTable(runsTable());
    expect(flakyRow).toMatchObject({ Attempts: '3', HTTP: '500' });
    expect(flakyRow?.Message).toContain('500');

    // A click, not uncheck(): the filters live in the URL, and the router applies a change in a
    // transition, so the box may read as ticked for a moment after the click.
    await page.getByRole('checkbox', { name: 'Expired' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Expired' }).isChecked(), slow).toBe(false);
    await expect.poll(runRows, slow).toEqual([['Runs flaky', 'Failed', 'Run now']]);
    expect(new URL(page.url()).search).toBe('?status=failed');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(runRows, slow).toEqual([
      ['Runs flaky', 'Failed', 'Run now'],
      ['Runs ok', 'Succeeded', 'Run now'],
      ['Runs ok', 'Expired', 'Schedule'],
    ]);

    await page.getByLabel('Trigger').selectOption({ label: 'Schedule' });
    await expect.poll(runRows, slow).toEqual([['Runs ok', 'Expired', 'Schedule']]);
    await page.getByLabel('Trigger').selectOption({ label: 'All triggers' });

    await page.getByLabel('Task', { exact: true }).selectOption({ label: 'Runs ok' });
    await expect.poll(runRows, slow).toEqual([
      ['Runs ok', 'Succeeded', 'Run now'],
      ['Runs ok', 'Expired', 'Schedule'],
    ]);
    // From yesterday on: the run due two days ago is left out.
    const yesterday = new Intl.DateTimeFormat('sv-SE', {
      timeZone: browserZone,
      dateStyle: 'short',
      timeStyle: 'short',
    })
      .format(new Date(Date.now() - 86_400_000))
      .replace(' ', 'T');
    await page.getByLabel('From').fill(yesterday);
    await expect.poll(runRows, slow).toEqual([['Runs ok', 'Succeeded', 'Run now']]);
    // The filters are the page's URL: a reload (or a shared link) shows the same list.
    await page.reload();
    await expect.poll(runRows, slow).toEqual([['Runs ok', 'Succeeded', 'Run now']]);
    expect(await page.getByLabel('From').inputValue()).toBe(yesterday);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => (await runRows()).length, slow).toBe(3);
    await screenshotBoth('runs');
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  test("a run's page shows its fields and its attempts oldest first, and links to its task", async () => {
    await runsTable().locator(`a[href="/runs/${ids.flakyRun}"]`).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Run of Runs flaky' }));
    const attempts = page.getByRole('table', { name: 'Attempts of this run, oldest first' });
    await visible(attempts);
    expect((await readTable(attempts)).map((row) => [row.Attempt, row.Status, row.HTTP])).toEqual([
      ['First', 'Failed', '500'],
      ['Retry 1', 'Failed', '500'],
      ['Retry 2', 'Failed', '500'],
    ]);
    const fields = page.getByRole('region', { name: 'Run', exact: true });
    expect(await fields.textContent()).toContain('TriggerRun now');
    expect(await fields.textContent()).toContain(`Run id${ids.flakyRun}`);
    expect(await page.getByRole('link', { name: 'Open task' }).getAttribute('href')).toBe(
      `/tasks/${ids.flaky}`,
    );
    // A failed run has nothing to cancel.
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    await screenshotBoth('run');
  });

  test('retry sends an edited payload, validated as it is typed, and opens the new run', async () => {
    const editor = page.getByLabel('JSON payload');
    expect(JSON.parse(await editor.inputValue())).toEqual({ content: 'hello' });
    await visible(page.getByText('Sends the task’s payload.'));

    await editor.fill('{ "content": ');
    await visible(page.getByText(/^Invalid JSON/));
    await page.getByRole('button', { name: 'Retry run' }).click();
    // Refused in the browser: still this run's page.
    expect(new URL(page.url()).pathname).toBe(`/runs/${ids.flakyRun}`);

    // The Discord template helper is kept.
    await page.getByRole('button', { name: 'Use Discord template' }).click();
    await visible(page.getByText('Sends this edited payload.'));
    const edited = { content: 'edited for the retry', embeds: [{ title: 'Retry' }] };
    await editor.fill(JSON.stringify(edited, null, 2));
    await visible(page.getByText(/^Valid JSON/));
    await page.getByRole('button', { name: 'Retry run' }).click();
    await page.waitForURL(
      (url) => /^\/runs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(ids.flakyRun),
    );
    ids.retryRun = new URL(page.url()).pathname.split('/').pop() ?? '';
    await visible(page.getByRole('heading', { level: 1, name: 'Run of Runs flaky' }));
    await visible(page.getByText(`A retry of "Runs flaky" was queued.`));

    const { body: retry } = await dashboard.request<RunDetail>('GET', `/api/runs/${ids.retryRun}`);
    expect(retry).toMatchObject({ trigger: 'retry', retry_of: ids.flakyRun, payload_override: edited });
    await visible(page.getByRole('link', { name: 'an earlier run' }));
    // The task keeps its own payload.
    expect((await dashboard.request<Task>('GET', `/api/tasks/${ids.flaky}`)).body.json_payload).toEqual({
      content: 'hello',
    });
    await runEnded(ids.retryRun);
  });

  test('a retry left as it was sends no json_payload', async () => {
    await page.goto(`${dashboard.webUrl}/runs/${ids.flakyRun}`);
    await visible(page.getByText('Sends the task’s payload.'));
    const retried = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url().endsWith(`/api/runs/${ids.flakyRun}/retry`),
    );
    await page.getByRole('button', { name: 'Retry run' }).click();
    expect((await retried).postDataJSON()).toEqual({});
    await page.waitForURL((url) => !url.pathname.endsWith(ids.flakyRun));
    const runId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(
      (await dashboard.request<RunDetail>('GET', `/api/runs/${runId}`)).body.payload_override,
    ).toBeNull();
    await runEnded(runId);
  });

  test('the task page lists its runs, and cancels its current run after a confirmation', async () => {
    const hang = await createTask({ task_name: 'Runs hang', webhook_url: `${hooksUrl}/hang`, max_retry: 3 });
    ids.hang = hang.id;
    const run = await runNow(hang.id);
    await waitFor(
      'the attempt to be in flight',
      async () =>
        (await dashboard.request<RunDetail>('GET', `/api/runs/${run.id}`)).body.status === 'running',
      20_000,
    );

    await page.goto(`${dashboard.webUrl}/tasks/${hang.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Runs hang' }));
    const runs = page.getByRole('region', { name: 'Runs' });
    await visible(runs.getByText('Current run'));
    await runs.getByRole('button', { name: 'Cancel run' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel the run of "Runs hang"?' });
    await visible(dialog);
    // The safe answer changes nothing.
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await dashboard.request<RunDetail>('GET', `/api/runs/${run.id}`)).body.status).toBe('running');

    await runs.getByRole('button', { name: 'Cancel run' }).click();
    await dialog.getByRole('button', { name: 'Cancel run' }).click();
    await visible(page.getByText('The run of "Runs hang" was cancelled.'));
    const cancelled = await runEnded(run.id, ['cancelled']);
    expect(cancelled.attempts.at(-1)?.status).toBe('cancelled');
    const { body: after } = await dashboard.request<TaskDetail>('GET', `/api/tasks/${hang.id}`);
    expect(after).toMatchObject({ task_status: 'ready', current_run: null });
    expect(after.last_run).toMatchObject({ id: run.id, status: 'cancelled' });
    await expect.poll(() => runs.getByText('Current run').count(), slow).toBe(0);
    await visible(runs.getByText('Last run'));
    const table = page.getByRole('table', { name: 'Runs of Runs hang' });
    await expect
      .poll(async () => (await readTable(table)).map((row) => [row.Status, row.Trigger, row.Attempts]), slow)
      .toEqual([['Cancelled', 'Run now', '1']]);
    await screenshotBoth('task-runs');
  });

  test("a run's page cancels it after a confirmation", async () => {
    const run = await runNow(ids.hang);
    await page.goto(`${dashboard.webUrl}/runs/${run.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Run of Runs hang' }));
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel the run of "Runs hang"?' });
    await dialog.getByRole('button', { name: 'Cancel run' }).click();
    await visible(page.getByText('The run of "Runs hang" was cancelled.'));
    expect((await runEnded(run.id, ['cancelled'])).status).toBe('cancelled');
    // The page refreshes itself: cancelled, nothing left to cancel, and a retry offered.
    await expect.poll(() => page.getByRole('button', { name: 'Cancel run' }).count(), slow).toBe(0);
    await visible(page.getByRole('button', { name: 'Retry run' }));
  });

  test('"Once at" creates a one-time task at the date and time in its zone; the list and its page show it', async () => {
    const year = new Date().getUTCFullYear() + 1;
    await page.goto(`${dashboard.webUrl}/tasks/new`);
    await visible(page.getByRole('heading', { level: 1, name: 'New task' }));
    await page.getByLabel('Name', { exact: true }).fill('Launch day');
    await page.getByLabel('Webhook URL').fill(dashboard.system.webhookUrl);
    await page.getByLabel('Timezone').selectOption('America/New_York');
    await page.getByRole('radio', { name: 'Once at' }).check();
    // 9:30 on July 4th in New York is summer time (UTC−4).
    await page.getByLabel('Date and time').fill(`${year}-07-04T09:30`);
    // The form reads and shows it in the task's zone.
    await visible(
      page.getByText(new RegExp(`^Fires once at \\w{3} ${year}-07-04 09:30:00 America/New_York`)),
    );
    await page.screenshot({ path: path.join(screenshots, 'once-at-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create task' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    const taskId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await visible(page.getByRole('heading', { level: 1, name: 'Launch day' }));

    const { body: saved } = await dashboard.request<TaskDetail>('GET', `/api/tasks/${taskId}`);
    expect(saved).toMatchObject({
      task_schedule: null,
      run_at: `${year}-07-04T13:30:00.000Z`,
      next_run_at: `${year}-07-04T13:30:00.000Z`,
      timezone: 'America/New_York',
    });
    const settings = page.getByRole('region', { name: 'Settings' });
    // Elsewhere, as every instant on the dashboard, in the browser's zone (13:30 UTC is 15:30 in Paris).
    expect(await settings.textContent()).toMatch(
      new RegExp(`Once at\\w{3} ${year}-07-04 15:30:00 Europe/Paris`),
    );
    await screenshotBoth('one-time-task');

    await page.goto(`${dashboard.webUrl}/tasks`);
    const row = (await readTable(page.getByRole('table', { name: 'Tasks' }))).find((r) =>
      r.Task?.startsWith('Launch day'),
    );
    expect(row?.Task).toMatch(
      new RegExp(`^Launch dayonce at \\w{3} ${year}-07-04 15:30:00 Europe/Paris · America/New_York$`),
    );

    await page.goto(`${dashboard.webUrl}/tasks/${taskId}/edit`);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit Launch day' }));
    expect(await page.getByRole('radio', { name: 'Once at' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Date and time').inputValue()).toBe(`${year}-07-04T09:30`);
    expect(dashboard.pageErrors).toEqual([]);
  });
});
