import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockFetch } from '../../test/fetch-mock';
import { page, taskItem } from '../../test/fixtures';
import { renderApp, testApiKey } from '../../test/render-app';

const digest = taskItem({
  id: '11111111-1111-4111-8111-111111111111',
  task_name: 'Morning digest',
  timezone: 'Europe/Paris',
  next_run_at: '2025-03-06T12:05:00.000Z',
  last_attempt: {
    status: 'finish',
    http_status: 200,
    execution_time: 182,
    created_at: '2025-03-06T11:00:00.000Z',
  },
});
const backup = taskItem({
  id: '22222222-2222-4222-8222-222222222222',
  task_name: 'Backup hook',
  task_status: 'failed',
  enabled: false,
  timezone: 'America/New_York',
  next_run_at: '2025-03-07T05:00:00.000Z',
  last_attempt: {
    status: 'failed',
    http_status: 500,
    execution_time: 1530,
    created_at: '2025-03-06T10:00:00.000Z',
  },
});

/** The cells of a task's row, by column: task, status, enabled, next run, last result, punctuality, actions. */
type Cells = [HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement, HTMLElement];
function cellsOf(name: string): Cells {
  const row = screen.getByRole('link', { name }).closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  const cells = within(row).getAllByRole('cell');
  expect(cells).toHaveLength(7);
  return cells as Cells;
}

describe('tasks page', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-06T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('shows status badges, the enabled switch, the next run and the last result', async () => {
    const api = mockFetch({ 'GET /api/tasks': page([digest, backup]) });
    renderApp('/tasks');

    await screen.findByRole('link', { name: 'Morning digest' });
    const [, status, enabled, nextRun, lastResult] = cellsOf('Morning digest');
    expect(status).toHaveTextContent('Ready');
    expect(within(enabled).getByRole('switch', { name: 'Enabled: Morning digest' })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    // Relative, and absolute in the display zone, named (the test browser's zone is UTC).
    expect(nextRun).toHaveTextContent('in 5 minutes');
    expect(nextRun).toHaveTextContent('Thu 2025-03-06 12:05:00 UTC');
    expect(lastResult).toHaveTextContent('Succeeded');
    expect(lastResult).toHaveTextContent('HTTP 200 · 182 ms · 1 hour ago');

    const [, backupStatus, backupEnabled, backupNext, backupLast] = cellsOf('Backup hook');
    expect(backupStatus).toHaveTextContent('Failed');
    expect(within(backupEnabled).getByRole('switch')).toHaveAttribute('aria-checked', 'false');
    // A failed task does not run again until it is re-armed, whatever its next_run_at says.
    expect(backupNext).toHaveTextContent('Not until re-armed');
    expect(backupLast).toHaveTextContent('Failed');
    expect(backupLast).toHaveTextContent('HTTP 500 · 1.5 s · 2 hours ago');

    const [request] = api.find('GET', '/api/tasks');
    expect(request?.headers.get('X-API-KEY')).toBe(testApiKey);
    expect(Object.fromEntries(new URL(request?.url ?? '').searchParams)).toEqual({
      page: '1',
      limit: '20',
      sort: 'created_at',
      order: 'desc',
    });
  });

  it('shows no next run for a paused task, whose next_run_at has slipped into the past', async () => {
    const paused = taskItem({
      task_name: 'Paused hook',
      enabled: false,
      next_run_at: '2025-03-06T11:59:28.000Z',
    });
    mockFetch({ 'GET /api/tasks': page([paused]) });
    renderApp('/tasks');
    await screen.findByRole('link', { name: 'Paused hook' });
    const [, , , nextRun] = cellsOf('Paused hook');
    expect(nextRun).toHaveTextContent(/^Not until enabled$/);
  });

  it("shows every instant in one zone, named, whatever the task's zone; each schedule with its zone by name", async () => {
    const paris = taskItem({
      task_name: 'Paris hook',
      timezone: 'Europe/Paris',
      next_run_at: '2025-03-06T12:05:00.000Z',
    });
    const newYork = taskItem({
      id: '22222222-2222-4222-8222-222222222222',
      task_name: 'New York hook',
      timezone: 'America/New_York',
      next_run_at: '2025-03-06T14:00:00.000Z',
    });
    mockFetch({ 'GET /api/tasks': page([paris, newYork]) });
    renderApp('/tasks');
    await screen.findByRole('link', { name: 'Paris hook' });
    expect(cellsOf('Paris hook')[0]).toHaveTextContent('0 9 * * * · Europe/Paris');
    expect(cellsOf('Paris hook')[3]).toHaveTextContent(/Thu 2025-03-06 12:05:00 UTC$/);
    expect(cellsOf('New York hook')[0]).toHaveTextContent('0 9 * * * · America/New_York');
    expect(cellsOf('New York hook')[3]).toHaveTextContent(/Thu 2025-03-06 14:00:00 UTC$/);
  });

  it('sends the chosen filters to the API', async () => {
    const api = mockFetch({ 'GET /api/tasks': page([backup]) });
    const { user } = renderApp('/tasks');
    await screen.findByRole('link', { name: 'Backup hook' });
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await user.selectOptions(screen.getByLabelText('Enabled'), 'disabled');
    await vi.waitFor(() => {
      const last = api.find('GET', '/api/tasks').at(-1);
      expect(new URL(last?.url ?? '').searchParams.get('enabled')).toBe('false');
    });
    const params = new URL(api.find('GET', '/api/tasks').at(-1)?.url ?? '').searchParams;
    expect(params.get('task_status')).toBe('failed');
  });

  it('runs a task now and says so', async () => {
    const api = mockFetch({
      'GET /api/tasks': page([digest]),
      [`POST /api/tasks/${digest.id}/execute`]: { status: 202, body: { queued: true } },
    });
    const { user } = renderApp('/tasks');
    await user.click(await screen.findByRole('button', { name: 'Run Morning digest now' }));
    expect(await screen.findByText('"Morning digest" was queued to run now.')).toBeInTheDocument();
    expect(api.find('POST', `/api/tasks/${digest.id}/execute`)).toHaveLength(1);
  });

  it('explains a run-now conflict', async () => {
    mockFetch({
      'GET /api/tasks': page([digest]),
      [`POST /api/tasks/${digest.id}/execute`]: apiError(409, 'CONFLICT', 'Task is running.'),
    });
    const { user } = renderApp('/tasks');
    await user.click(await screen.findByRole('button', { name: 'Run Morning digest now' }));
    expect(await screen.findByText('"Morning digest" is already running.')).toBeInTheDocument();
  });

  it('toggles a task through the API', async () => {
    const api = mockFetch({
      'GET /api/tasks': page([digest]),
      [`POST /api/tasks/${digest.id}/toggle`]: { ...digest, enabled: false },
    });
    const { user } = renderApp('/tasks');
    await user.click(await screen.findByRole('switch', { name: 'Enabled: Morning digest' }));
    expect(await screen.findByText('"Morning digest" paused.')).toBeInTheDocument();
    expect(api.find('POST', `/api/tasks/${digest.id}/toggle`)).toHaveLength(1);
  });

  it('deletes only after confirmation', async () => {
    const api = mockFetch({
      'GET /api/tasks': page([digest]),
      [`DELETE /api/tasks/${digest.id}`]: { status: 204 },
    });
    const { user } = renderApp('/tasks');
    await user.click(await screen.findByRole('button', { name: 'Delete Morning digest' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete "Morning digest"?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.find('DELETE', `/api/tasks/${digest.id}`)).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete Morning digest' }));
    await user.click(screen.getByRole('button', { name: 'Delete task' }));
    expect(await screen.findByText('"Morning digest" deleted.')).toBeInTheDocument();
    expect(api.find('DELETE', `/api/tasks/${digest.id}`)).toHaveLength(1);
  });

  it('refetches the list when the page is opened again, for changes made elsewhere meanwhile', async () => {
    let tasks = [digest];
    mockFetch({ 'GET /api/tasks': () => page(tasks) });
    const { user } = renderApp('/tasks');
    expect(await screen.findByRole('link', { name: 'Morning digest' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Logs' }));
    tasks = [backup, digest]; // say, created through the CLI
    vi.setSystemTime(new Date(Date.now() + 5000));
    await user.click(screen.getByRole('link', { name: 'Tasks' }));
    expect(await screen.findByRole('link', { name: 'Backup hook' })).toBeInTheDocument();
  });

  it("shows the API's error message when the list cannot be loaded", async () => {
    mockFetch({ 'GET /api/tasks': apiError(401, 'UNAUTHORIZED', 'Missing or wrong X-API-KEY header.') });
    renderApp('/tasks');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the tasks');
    expect(alert).toHaveTextContent('Missing or wrong X-API-KEY header.');
  });

  it('offers to create the first task when there is none', async () => {
    mockFetch({ 'GET /api/tasks': page([]) });
    renderApp('/tasks');
    expect(await screen.findByText('No tasks yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create the first task' })).toHaveAttribute('href', '/tasks/new');
  });

  it('sends the user to Settings when no API key is set, without calling the API', async () => {
    const api = mockFetch({});
    renderApp('/tasks', { settings: { apiUrl: '', apiKey: '' } });
    expect(screen.getByRole('heading', { name: 'Connect to the API' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open Settings' })).toHaveAttribute('href', '/settings');
    expect(api.fetchMock).not.toHaveBeenCalled();
  });
});
