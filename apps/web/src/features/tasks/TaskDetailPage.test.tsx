import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskDetail, taskLog } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const failedTask = taskDetail({
  task_name: 'Backup hook',
  task_status: 'failed',
  timezone: 'UTC',
  logs: [
    taskLog({
      id: 'a3',
      status: 'failed',
      retry_count: 1,
      http_status: 500,
      execution_time: 950,
      message: 'Internal error',
    }),
    taskLog({
      id: 'a2',
      status: 'failed',
      retry_count: 0,
      http_status: 500,
      execution_time: 900,
      message: 'Internal error',
    }),
    taskLog({ id: 'a1', status: 'finish', execution_time: 120 }),
  ],
});

describe('task detail page', () => {
  it('shows the settings, the attempts with their details, and the execution-time chart', async () => {
    mockFetch({
      [`GET /api/tasks/${failedTask.id}`]: failedTask,
      [`GET /api/tasks/${failedTask.id}/logs`]: page(failedTask.logs),
    });
    renderApp(`/tasks/${failedTask.id}`);

    expect(await screen.findByRole('heading', { name: 'Backup hook' })).toBeInTheDocument();
    expect(screen.getByText('At 09:00')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Execution time of the last 3 attempts, averaging 657 ms.' }),
    ).toBeInTheDocument();
    const attempts = await screen.findByRole('table', { name: 'Attempts of Backup hook' });
    const [, retry] = within(attempts).getAllByRole('row').slice(1);
    expect(retry).toHaveTextContent('Failed');
    expect(retry).toHaveTextContent('First');
    expect(retry).toHaveTextContent('500');
    expect(retry).toHaveTextContent('900 ms');
    expect(retry).toHaveTextContent('Internal error');
  });

  it('re-arms a failed task with PATCH task_status ready', async () => {
    const api = mockFetch({
      [`GET /api/tasks/${failedTask.id}`]: failedTask,
      [`GET /api/tasks/${failedTask.id}/logs`]: page(failedTask.logs),
      [`PATCH /api/tasks/${failedTask.id}`]: { ...failedTask, task_status: 'ready' },
    });
    const { user } = renderApp(`/tasks/${failedTask.id}`);
    await user.click(await screen.findByRole('button', { name: 'Re-arm' }));
    expect(await screen.findByText(/"Backup hook" re-armed/)).toBeInTheDocument();
    expect(await api.find('PATCH', `/api/tasks/${failedTask.id}`)[0]?.json()).toEqual({
      task_status: 'ready',
    });
  });

  it('offers no re-arm for a task that has not failed', async () => {
    const ready = { ...failedTask, task_status: 'ready' as const };
    mockFetch({ [`GET /api/tasks/${ready.id}`]: ready, [`GET /api/tasks/${ready.id}/logs`]: page([]) });
    renderApp(`/tasks/${ready.id}`);
    await screen.findByRole('heading', { name: 'Backup hook' });
    expect(screen.queryByRole('button', { name: 'Re-arm' })).not.toBeInTheDocument();
  });

  it("shows the API's message for a task that does not exist", async () => {
    mockFetch({
      'GET /api/tasks/missing': {
        status: 404,
        body: {
          error: { code: 'NOT_FOUND', message: 'Task missing does not exist.', details: {}, timestamp: '' },
        },
      },
    });
    renderApp('/tasks/missing');
    expect(await screen.findByRole('alert')).toHaveTextContent('Task missing does not exist.');
  });
});
