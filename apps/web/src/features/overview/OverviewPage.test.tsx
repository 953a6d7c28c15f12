import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, stats, taskItem, taskLog } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';
import { initialTaskListView } from '../tasks/taskListViewSlice';

describe('overview page', () => {
  it('shows counts, 24 h figures, the per-hour chart and the latest failures with their messages', async () => {
    const task = taskItem({ task_name: 'Billing sync' });
    const api = mockFetch({
      'GET /api/dashboard/stats': stats(),
      'GET /api/logs': page([
        taskLog({
          id: 'f1',
          task_id: task.id,
          task_name: task.task_name,
          status: 'failed',
          http_status: 503,
          retry_count: 2,
          message: 'upstream down',
        }),
      ]),
      'GET /api/tasks': page([task]),
    });
    renderApp('/');

    const tasks = await screen.findByRole('region', { name: 'Tasks' });
    expect(within(tasks).getByText('Failed').nextElementSibling).toHaveTextContent('1');
    expect(within(tasks).getByText('3 enabled · 1 paused')).toBeInTheDocument();
    expect(screen.getByText('Runs delivered (24 h)').nextElementSibling).toHaveTextContent('90.0%');
    expect(screen.getByText('Average time (24 h)').nextElementSibling).toHaveTextContent('231 ms');
    expect(
      screen.getByRole('img', { name: /Executions per hour over the last 24 hours: 24 succeeded, 5 failed/ }),
    ).toBeInTheDocument();

    const failures = screen.getByRole('region', { name: 'Latest failures' });
    expect(await within(failures).findByText('upstream down')).toBeInTheDocument();
    expect(within(failures).getByText(/HTTP 503 · retry 2/)).toBeInTheDocument();
    expect(await within(failures).findByRole('link', { name: 'Billing sync' })).toHaveAttribute(
      'href',
      `/tasks/${task.id}`,
    );
    expect(new URL(api.find('GET', '/api/logs')[0]?.url ?? '').searchParams.get('status')).toBe('failed');
  });

  it('"Review failed tasks" lists every failed task, whatever the list was filtered by before', async () => {
    const api = mockFetch({
      'GET /api/dashboard/stats': stats(),
      'GET /api/logs': page([]),
      'GET /api/tasks': page([]),
    });
    const { user } = renderApp('/', {
      taskListView: { ...initialTaskListView, search: 'Bulk', enabled: 'disabled', page: 3 },
    });

    await user.click(await screen.findByRole('link', { name: 'Review failed tasks' }));

    await vi.waitFor(() => {
      const params = new URL(api.find('GET', '/api/tasks').at(-1)?.url ?? '').searchParams;
      expect(params.get('task_status')).toBe('failed');
      expect(params.has('search')).toBe(false);
      expect(params.has('enabled')).toBe(false);
      expect(params.get('page')).toBe('1');
    });
  });
});
