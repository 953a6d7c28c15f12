import { waitFor } from '@scheduler/test-support';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunListItem, Task } from '../src/app/api-types';
import { API_KEY, type Dashboard, startDashboard } from './dashboard-harness';

// SPEC §13 in a real Chromium against the real system: a task's page shows the tasks it depends
// on and the tasks that depend on it, as links; a run the gate skipped says which dependency
// stopped it, with a link to that task.

let dashboard: Dashboard;
let page: Page;

beforeAll(async () => {
  dashboard = await startDashboard();
  page = dashboard.page;
}, 120_000);
afterAll(async () => dashboard?.stop());

const visible = (locator: Locator, timeout = 20_000) => locator.waitFor({ state: 'visible', timeout });

/** A task page's setting: the definition after its term. */
const setting = (term: string) =>
  page.locator('dl > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) });

async function createTask(body: Record<string, unknown>): Promise<Task> {
  const { status, body: task } = await dashboard.request<Task>('POST', '/api/tasks', {
    webhook_url: dashboard.system.webhookUrl,
    json_payload: { content: 'hello' },
    ...body,
  });
  expect(status).toBe(201);
  return task;
}

const ids = { export: '', report: '', summary: '', skippedRun: '' };

describe.sequential('dependencies in a real browser', () => {
  test('the API key is saved in Settings', async () => {
    await page.goto(`${dashboard.webUrl}/settings`);
    await page.getByLabel('API key', { exact: true }).fill(API_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Connection settings saved.'));
  });

  test('a task page links its dependencies and its dependents', async () => {
    // An export that has never run, a report gated on it, a summary chained after the report.
    const exportTask = await createTask({
      task_name: 'Nightly export',
      run_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const report = await createTask({
      task_name: 'Morning report',
      run_at: new Date().toISOString(),
      depends_on: [exportTask.id],
    });
    const summary = await createTask({ task_name: 'Weekly summary', depends_on: [report.id] });
    Object.assign(ids, { export: exportTask.id, report: report.id, summary: summary.id });

    await page.goto(`${dashboard.webUrl}/tasks/${report.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Morning report' }));
    const dependsOn = setting('Depends on').getByRole('link', { name: 'Nightly export' });
    expect(await dependsOn.getAttribute('href')).toBe(`/tasks/${exportTask.id}`);
    const dependent = setting('Dependents').getByRole('link', { name: 'Weekly summary' });
    expect(await dependent.getAttribute('href')).toBe(`/tasks/${summary.id}`);

    // Following the links: the export's page lists the report among its dependents.
    await dependsOn.click();
    await visible(page.getByRole('heading', { level: 1, name: 'Nightly export' }));
    expect(await setting('Depends on').locator('dd').textContent()).toBe('No dependency');
    await visible(setting('Dependents').getByRole('link', { name: 'Morning report' }));
    await page.goto(`${dashboard.webUrl}/tasks/${summary.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Weekly summary' }));
    await visible(setting('Depends on').getByRole('link', { name: 'Morning report' }));
    expect(await setting('Dependents').locator('dd').textContent()).toBe('No task runs after it');
    // A chained task has no next instant: it runs when its dependencies have finished.
    expect(await setting('Next run').locator('dd').textContent()).toBe(
      'When the tasks it runs after have all finished',
    );
  });

  test('a skipped run says which dependency stopped it, on its page and in the task’s runs', async () => {
    let skipped: RunListItem | undefined;
    await waitFor(
      'the report’s run to be skipped',
      async () => {
        const { body } = await dashboard.request<{ data: RunListItem[] }>(
          'GET',
          `/api/runs?task_id=${ids.report}`,
        );
        skipped = body.data.find((run) => run.status === 'skipped');
        return skipped !== undefined;
      },
      40_000,
    );
    ids.skippedRun = skipped!.id;
    expect(skipped?.message).toMatch(/^DEPENDENCY_FAILED: "Nightly export"/);

    await page.goto(`${dashboard.webUrl}/tasks/${ids.report}`);
    const runs = page.getByRole('table', { name: /runs/i }).first();
    await visible(runs.getByText('Stopped by dependency'));
    expect(await runs.getByRole('link', { name: 'Nightly export' }).getAttribute('href')).toBe(
      `/tasks/${ids.export}`,
    );

    await page.goto(`${dashboard.webUrl}/runs/${ids.skippedRun}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Run of Morning report' }));
    const named = page.getByRole('list', { name: 'Dependencies named by the run' });
    await visible(named);
    expect(await named.textContent()).toBe('Stopped by dependency Nightly export');
    await named.getByRole('link', { name: 'Nightly export' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Nightly export' }));
    expect(dashboard.pageErrors).toEqual([]);
  });

  test('a scheduled task made chained from its edit page: its schedule is cleared, it runs after the task chosen', async () => {
    const digest = await createTask({ task_name: 'Hourly digest', task_schedule: '0 * * * *' });
    await page.goto(`${dashboard.webUrl}/tasks/${digest.id}/edit`);
    await visible(page.getByLabel('Schedule (cron)'));
    await page.getByRole('radio', { name: 'After other tasks' }).check();
    const runsAfter = page.getByLabel('Runs after');
    await visible(runsAfter.locator('option', { hasText: 'Morning report' }));
    await runsAfter.selectOption({ label: 'Morning report' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByText('Task "Hourly digest" saved.'));

    await visible(page.getByRole('heading', { level: 1, name: 'Hourly digest' }));
    await visible(setting('Depends on').getByRole('link', { name: 'Morning report' }));
    expect(await setting('Next run').locator('dd').textContent()).toBe(
      'When the tasks it runs after have all finished',
    );
    const { body: stored } = await dashboard.request<Task>('GET', `/api/tasks/${digest.id}`);
    expect(stored).toMatchObject({ task_schedule: null, run_at: null, next_run_at: null });
    expect(dashboard.pageErrors).toEqual([]);
  });
});
