import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskItem, taskLog } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

describe('logs page', () => {
  it('lists attempts with their task and filters by status, task and date range', async () => {
    const task = taskItem({ task_name: 'Billing sync' });
    const api = mockFetch({
      'GET /api/logs': page([taskLog({ status: 'failed', http_status: 502, message: 'Bad gateway' })], {
        total: 45,
        total_pages: 3,
      }),
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

  it('names a task beyond the first page of tasks by fetching it', async () => {
    const listed = taskItem({ task_name: 'Billing sync' });
    const other = taskItem({ id: '22222222-2222-4222-8222-222222222222', task_name: 'Archive rotation' });
    const { last_attempt: _last, ...otherTask } = other;
    const api = mockFetch({
      'GET /api/logs': page([
        taskLog({ id: 'a1', task_id: listed.id }),
        taskLog({ id: 'a2', task_id: other.id }),
      ]),
      'GET /api/tasks': page([listed]),
      [`GET /api/tasks/${other.id}`]: { ...otherTask, logs: [] },
    });
    renderApp('/logs');
    const table = await screen.findByRole('table', { name: 'Attempts' });
    expect(await within(table).findByRole('link', { name: 'Archive rotation' })).toHaveAttribute(
      'href',
      `/tasks/${other.id}`,
    );
    expect(within(table).getByRole('link', { name: 'Billing sync' })).toBeInTheDocument();
    // Only the task that was not in the list is fetched on its own.
    expect(api.find('GET', `/api/tasks/${listed.id}`)).toHaveLength(0);
  });

  it('says when no attempt matches', async () => {
    mockFetch({ 'GET /api/logs': page([]), 'GET /api/tasks': page([]) });
    renderApp('/logs');
    expect(await screen.findByText('No attempt matches these filters.')).toBeInTheDocument();
  });
});
