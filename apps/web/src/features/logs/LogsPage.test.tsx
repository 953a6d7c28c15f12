import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskItem, taskLog } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

describe('logs page', () => {
  it('lists attempts with their task and filters by status, task and date range', async () => {
    const task = taskItem({ task_name: 'Billing sync' });
    const api = mockFetch({
      'GET /api/logs': page(
        [
          taskLog({
            task_id: task.id,
            task_name: task.task_name,
            status: 'failed',
            http_status: 502,
            message: 'Bad gateway',
          }),
        ],
        {
          total: 45,
          total_pages: 3,
        },
      ),
      'GET /api/tasks': page([task]),
    });
    const { user } = renderApp('/logs');
    const table = await screen.findByRole('table', { name: 'Attempts' });
    expect(within(table).getByText('Bad gateway')).toBeInTheDocument();
    expect(await within(table).findByRole('link', { name: 'Billing sync' })).toBeInTheDocument();
    expect(screen.getByText('Page 1 of 3')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await user.selectOptions(screen.getByLabelText('Task'), 'Billing sync');
    await user.type(screen.getByLabelText('From'), '2025-03-01T08:30');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await vi.waitFor(() => {
      const params = new URL(api.find('GET', '/api/logs').at(-1)?.url ?? '').searchParams;
      expect(Object.fromEntries(params)).toEqual({
        page: '2',
        limit: '20',
        status: 'failed',
        task_id: task.id,
        from: new Date('2025-03-01T08:30').toISOString(),
      });
    });
  });

  it("names each attempt's task from the attempt itself, whichever task it is", async () => {
    const listed = taskItem({ task_name: 'Billing sync' });
    const otherId = '22222222-2222-4222-8222-222222222222';
    const api = mockFetch({
      'GET /api/logs': page([
        taskLog({ id: 'a1', task_id: listed.id, task_name: 'Billing sync' }),
        taskLog({ id: 'a2', task_id: otherId, task_name: 'Archive rotation' }),
      ]),
      // The task picker's first page knows only one of the two.
      'GET /api/tasks': page([listed]),
    });
    renderApp('/logs');
    const table = await screen.findByRole('table', { name: 'Attempts' });
    expect(await within(table).findByRole('link', { name: 'Archive rotation' })).toHaveAttribute(
      'href',
      `/tasks/${otherId}`,
    );
    expect(within(table).getByRole('link', { name: 'Billing sync' })).toBeInTheDocument();
    // No task is fetched on its own to name it.
    expect(api.find('GET', `/api/tasks/${otherId}`)).toHaveLength(0);
    expect(api.find('GET', `/api/tasks/${listed.id}`)).toHaveLength(0);
  });

  it('finds a task beyond the first 100 names through the API search, and filters by it', async () => {
    const first = taskItem({ task_name: 'Alpha' });
    const later = taskItem({ id: '33333333-3333-4333-8333-333333333333', task_name: 'Zulu nightly' });
    const api = mockFetch({
      'GET /api/logs': page([taskLog()]),
      'GET /api/tasks': (_request: Request, url: URL) =>
        url.searchParams.get('search') === 'zulu'
          ? page([later])
          : page([first], { total: 150, total_pages: 2 }),
    });
    const { user } = renderApp('/logs');
    const picker = await screen.findByLabelText('Task');
    expect(
      await within(picker).findByRole('option', { name: /and 149 more: narrow with Find a task/ }),
    ).toBeDisabled();

    await user.type(screen.getByLabelText('Find a task'), 'zulu');
    await within(picker).findByRole('option', { name: 'Zulu nightly' });
    await user.selectOptions(picker, 'Zulu nightly');

    await vi.waitFor(() => {
      const params = new URL(api.find('GET', '/api/logs').at(-1)?.url ?? '').searchParams;
      expect(params.get('task_id')).toBe(later.id);
    });
  });

  it('"Find a task" narrows the attempts when one task matches, and "Clear filters" clears it', async () => {
    const billing = taskItem({ task_name: 'Billing sync' });
    const archive = taskItem({ id: '22222222-2222-4222-8222-222222222222', task_name: 'Archive rotation' });
    const api = mockFetch({
      'GET /api/logs': (_request: Request, url: URL) =>
        page(
          [
            taskLog({ id: 'a1', task_id: billing.id, task_name: 'Billing sync' }),
            taskLog({ id: 'a2', task_id: archive.id, task_name: 'Archive rotation' }),
          ].filter(
            (log) => !url.searchParams.has('task_id') || log.task_id === url.searchParams.get('task_id'),
          ),
        ),
      'GET /api/tasks': (_request: Request, url: URL) =>
        page(
          [billing, archive].filter((task) =>
            task.task_name.toLowerCase().includes(url.searchParams.get('search') ?? ''),
          ),
        ),
    });
    const { user } = renderApp('/logs');
    await within(await screen.findByRole('table', { name: 'Attempts' })).findByRole('link', {
      name: 'Archive rotation',
    });
    const clear = screen.getByRole('button', { name: 'Clear filters' });
    expect(clear).toBeDisabled();

    await user.type(screen.getByLabelText('Find a task'), 'billing');
    // The table is drawn anew for the new filter: look it up each time.
    const taskLinks = () =>
      within(screen.getByRole('table', { name: 'Attempts' }))
        .getAllByRole('link')
        .map((link) => link.textContent);
    await vi.waitFor(() => expect(taskLinks()).toEqual(['Billing sync']));
    expect(screen.getByLabelText('Task')).toHaveDisplayValue('Billing sync');
    expect(new URL(api.find('GET', '/api/logs').at(-1)?.url ?? '').searchParams.get('task_id')).toBe(
      billing.id,
    );
    expect(clear).toBeEnabled();

    await user.click(clear);
    expect(screen.getByLabelText('Find a task')).toHaveValue('');
    await vi.waitFor(() => expect(taskLinks()).toEqual(['Billing sync', 'Archive rotation']));
    expect(clear).toBeDisabled();
  });

  it('"Find a task" matching several tasks says to pick one, and enables "Clear filters"', async () => {
    const tasks = [
      taskItem({ task_name: 'Nightly A' }),
      taskItem({ id: '22222222-2222-4222-8222-222222222222', task_name: 'Nightly B' }),
    ];
    const api = mockFetch({ 'GET /api/logs': page([taskLog()]), 'GET /api/tasks': page(tasks) });
    const { user } = renderApp('/logs');
    await screen.findByRole('table', { name: 'Attempts' });
    await user.type(screen.getByLabelText('Find a task'), 'nightly');
    expect(await screen.findByText('2 tasks match: pick one under Task.')).toBeInTheDocument();
    expect(screen.getByLabelText('Find a task')).toHaveAccessibleDescription(
      '2 tasks match: pick one under Task.',
    );
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeEnabled();
    expect(
      api.find('GET', '/api/logs').some((request) => new URL(request.url).searchParams.has('task_id')),
    ).toBe(false);
  });

  it('tells apart two tasks with the same name in the task picker', async () => {
    const daily = taskItem({
      id: 'aaaaaaaa-1111-4111-8111-111111111111',
      task_name: 'Report',
      task_schedule: '0 9 * * *',
    });
    const hourly = taskItem({
      id: 'bbbbbbbb-2222-4222-8222-222222222222',
      task_name: 'Report',
      task_schedule: '0 * * * *',
    });
    const other = taskItem({ id: 'cccccccc-3333-4333-8333-333333333333', task_name: 'Backup' });
    mockFetch({ 'GET /api/logs': page([taskLog()]), 'GET /api/tasks': page([other, daily, hourly]) });
    renderApp('/logs');
    const picker = await screen.findByLabelText('Task');
    await within(picker).findByRole('option', { name: 'Backup' });
    expect(
      within(picker)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['All tasks', 'Backup', 'Report (0 9 * * *, aaaaaaaa)', 'Report (0 * * * *, bbbbbbbb)']);
  });

  it('refuses a date range that ends before it starts, next to "To", without asking the API', async () => {
    const api = mockFetch({ 'GET /api/logs': page([taskLog()]), 'GET /api/tasks': page([]) });
    const { user } = renderApp('/logs');
    await screen.findByRole('table', { name: 'Attempts' });
    const asked = api.find('GET', '/api/logs').length;

    await user.type(screen.getByLabelText('From'), '2025-03-02T08:00');
    await user.type(screen.getByLabelText('To'), '2025-03-01T08:00');

    expect(screen.getByLabelText('To')).toHaveAccessibleDescription('Pick a "To" at or after "From".');
    expect(await screen.findByText(/the date range ends before it starts/)).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Attempts' })).not.toBeInTheDocument();
    const params = api
      .find('GET', '/api/logs')
      .slice(asked)
      .map((r) => new URL(r.url).searchParams);
    expect(params.filter((p) => p.has('from') && p.has('to'))).toEqual([]);
  });

  it('says when no attempt matches the filters set', async () => {
    mockFetch({ 'GET /api/logs': page([]), 'GET /api/tasks': page([]) });
    const { user } = renderApp('/logs');
    await screen.findByText('No attempts yet.');
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    expect(await screen.findByText('No attempt matches these filters.')).toBeInTheDocument();
  });

  it('on a new install, with no filter set, says there is no attempt yet and where they come from', async () => {
    mockFetch({ 'GET /api/logs': page([]), 'GET /api/tasks': page([]) });
    renderApp('/logs');
    expect(await screen.findByText('No attempts yet.')).toBeInTheDocument();
    expect(screen.queryByText(/matches these filters/)).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'run a task now' })).toHaveAttribute('href', '/tasks');
  });
});
