import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiError, mockFetch } from '../../test/fetch-mock';
import { page, taskDetail, taskLog } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const failedTask = taskDetail({
  task_name: 'Backup hook',
  task_status: 'failed',
  timezone: 'UTC',
  punctuality: { runs: 3, lateness_p50_ms: 12, lateness_p99_ms: 40, skipped: 0 },
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
      screen.getByText(
        'Sent 12 ms after due (median), 40 ms at the 99th percentile, over its last 3 scheduled runs',
      ),
    ).toBeInTheDocument();
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

  it("shows the attempts' instants in the display zone, as the Logs page does, not in the task's zone", async () => {
    const newYork = { ...failedTask, timezone: 'America/New_York' };
    mockFetch({
      [`GET /api/tasks/${newYork.id}`]: newYork,
      [`GET /api/tasks/${newYork.id}/logs`]: page(newYork.logs),
    });
    renderApp(`/tasks/${newYork.id}`);
    const attempts = await screen.findByRole('table', { name: 'Attempts of Backup hook' });
    expect(within(attempts).getAllByText('Thu 2025-03-06 11:00:00 UTC')).toHaveLength(3);
    expect(screen.getByText('Timezone').nextElementSibling).toHaveTextContent('America/New_York');
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

  it('shows the next runs and the execution control, and skips the next run', async () => {
    const task = taskDetail({
      task_name: 'Hourly hook',
      task_schedule: '0 * * * *',
      next_run_at: '2099-03-07T09:00:00.000Z',
      next_runs: ['2099-03-07T09:00:00.000Z', '2099-03-07T10:00:00.000Z'],
      deliver_within_ms: 60000,
      catch_up: 'all',
      jitter_ms: 0,
      depends_on: ['22222222-2222-4222-8222-222222222222'],
      dependencies: [{ id: '22222222-2222-4222-8222-222222222222', task_name: 'Nightly export' }],
      dependents: [{ id: '33333333-3333-4333-8333-333333333333', task_name: 'Weekly summary' }],
    });
    const api = mockFetch({
      [`GET /api/tasks/${task.id}`]: task,
      [`GET /api/tasks/${task.id}/logs`]: page([]),
      [`POST /api/tasks/${task.id}/skip-next`]: { ...task, next_run_at: '2099-03-07T10:00:00.000Z' },
    });
    const { user } = renderApp(`/tasks/${task.id}`);
    await screen.findByRole('heading', { name: 'Hourly hook' });
    const runs = within(screen.getByRole('list', { name: 'Next runs' })).getAllByRole('listitem');
    expect(runs.map((item) => item.querySelector('time')?.getAttribute('dateTime'))).toEqual(task.next_runs);
    expect(screen.getByText('Missed instants').nextElementSibling).toHaveTextContent(
      /One run per missed instant/,
    );
    expect(screen.getByText('Deliver within').nextElementSibling).toHaveTextContent(/60000 ms/);
    expect(screen.getByRole('link', { name: 'Nightly export' })).toHaveAttribute(
      'href',
      '/tasks/22222222-2222-4222-8222-222222222222',
    );
    expect(screen.getByText('Dependents').nextElementSibling).toHaveTextContent('Weekly summary');
    await user.click(screen.getByRole('button', { name: 'Skip next run' }));
    expect(await screen.findByText(/Skipped the next run of "Hourly hook"/)).toBeInTheDocument();
    expect(api.find('POST', `/api/tasks/${task.id}/skip-next`)).toHaveLength(1);
  });

  it('shows no next run for a paused task', async () => {
    const paused = taskDetail({
      task_name: 'Paused hook',
      enabled: false,
      next_run_at: '2000-01-01T09:00:00.000Z',
    });
    mockFetch({ [`GET /api/tasks/${paused.id}`]: paused, [`GET /api/tasks/${paused.id}/logs`]: page([]) });
    renderApp(`/tasks/${paused.id}`);
    await screen.findByRole('heading', { name: 'Paused hook' });
    expect(screen.getByText('Next run').nextElementSibling).toHaveTextContent(/^Not until enabled$/);
  });

  it('says a chained task runs after its dependencies, and never once they are all deleted', async () => {
    const chained = taskDetail({
      task_name: 'Chained hook',
      task_schedule: null,
      next_run_at: null,
      depends_on: ['22222222-2222-4222-8222-222222222222'],
      dependencies: [{ id: '22222222-2222-4222-8222-222222222222', task_name: 'Nightly export' }],
    });
    mockFetch({ [`GET /api/tasks/${chained.id}`]: chained, [`GET /api/tasks/${chained.id}/logs`]: page([]) });
    const { unmount } = renderApp(`/tasks/${chained.id}`);
    await screen.findByRole('heading', { name: 'Chained hook' });
    expect(screen.getByText('Next run').nextElementSibling).toHaveTextContent(
      /^When the tasks it runs after have all finished$/,
    );
    unmount();

    const orphan = { ...chained, task_name: 'Orphan hook', depends_on: [], dependencies: [] };
    mockFetch({ [`GET /api/tasks/${orphan.id}`]: orphan, [`GET /api/tasks/${orphan.id}/logs`]: page([]) });
    renderApp(`/tasks/${orphan.id}`);
    await screen.findByRole('heading', { name: 'Orphan hook' });
    expect(screen.getByText('Next run').nextElementSibling).toHaveTextContent(
      /^Never: the tasks it ran after were deleted/,
    );
  });

  it('shows no next run for a failed task until it is re-armed', async () => {
    mockFetch({
      [`GET /api/tasks/${failedTask.id}`]: failedTask,
      [`GET /api/tasks/${failedTask.id}/logs`]: page(failedTask.logs),
    });
    renderApp(`/tasks/${failedTask.id}`);
    await screen.findByRole('heading', { name: 'Backup hook' });
    expect(screen.getByText('Next run').nextElementSibling).toHaveTextContent(/^Not until re-armed$/);
  });

  it('says why a task failed: a refused request fails at once, with retries left', async () => {
    const refused = taskDetail({
      task_name: 'Refused hook',
      task_status: 'failed',
      max_retry: 3,
      logs: [taskLog({ status: 'failed', http_status: 404, retry_count: 0, message: 'HTTP 404: Not Found' })],
    });
    mockFetch({
      [`GET /api/tasks/${refused.id}`]: refused,
      [`GET /api/tasks/${refused.id}/logs`]: page(refused.logs),
    });
    renderApp(`/tasks/${refused.id}`);
    expect(
      await screen.findByText(
        'Failed: HTTP 404 — not retryable: the webhook refused the request. Re-arm it to schedule it again.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Out of retries/)).not.toBeInTheDocument();
  });

  it('offers no re-arm for a task that has not failed', async () => {
    const ready = { ...failedTask, task_status: 'ready' as const };
    mockFetch({ [`GET /api/tasks/${ready.id}`]: ready, [`GET /api/tasks/${ready.id}/logs`]: page([]) });
    renderApp(`/tasks/${ready.id}`);
    await screen.findByRole('heading', { name: 'Backup hook' });
    expect(screen.queryByRole('button', { name: 'Re-arm' })).not.toBeInTheDocument();
  });

  it('deletes the task and goes back to the list without asking the API for it again', async () => {
    const ready = { ...failedTask, task_status: 'ready' as const };
    const api = mockFetch({
      [`GET /api/tasks/${ready.id}`]: ready,
      [`GET /api/tasks/${ready.id}/logs`]: page(ready.logs),
      [`DELETE /api/tasks/${ready.id}`]: { status: 204 },
      'GET /api/tasks': page([]),
    });
    const { user, router } = renderApp(`/tasks/${ready.id}`);
    await screen.findByRole('table', { name: 'Attempts of Backup hook' });
    await user.click(screen.getByRole('button', { name: 'Delete Backup hook' }));
    await user.click(screen.getByRole('button', { name: 'Delete task' }));

    expect(await screen.findByText('"Backup hook" deleted.')).toBeInTheDocument();
    expect(await screen.findByText('No tasks yet.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/tasks');
    // Focus is not left on the button that went away with the page.
    expect(screen.getByRole('heading', { level: 1, name: 'Tasks' })).toHaveFocus();
    // Back does not lead to the deleted task's page either.
    await router.navigate(-1);
    expect(router.state.location.pathname).toBe('/tasks');
    // Nothing about the deleted task is fetched again (it would answer 404).
    expect(api.find('GET', `/api/tasks/${ready.id}`)).toHaveLength(1);
    expect(api.find('GET', `/api/tasks/${ready.id}/logs`)).toHaveLength(1);
  });

  it('refreshes the attempts table with the chart when the task is paused', async () => {
    const older = taskLog({ id: 'b1', execution_time: 120, created_at: '2025-03-06T09:00:00.000Z' });
    const newer = taskLog({ id: 'b2', execution_time: 340, created_at: '2025-03-06T10:00:00.000Z' });
    let logs = [older];
    const ready = () => ({ ...failedTask, task_status: 'ready' as const, logs });
    mockFetch({
      [`GET /api/tasks/${failedTask.id}`]: () => ready(),
      [`GET /api/tasks/${failedTask.id}/logs`]: () => page(logs),
      [`POST /api/tasks/${failedTask.id}/toggle`]: () => ({ ...ready(), enabled: false }),
    });
    const { user } = renderApp(`/tasks/${failedTask.id}`);
    const attempts = await screen.findByRole('table', { name: 'Attempts of Backup hook' });
    expect(within(attempts).getAllByRole('row')).toHaveLength(2);

    logs = [newer, older]; // the worker ran it meanwhile
    await user.click(screen.getByRole('switch', { name: 'Enabled' }));
    expect(await screen.findByText('"Backup hook" paused.')).toBeInTheDocument();
    expect(
      await screen.findByRole('img', { name: 'Execution time of the last 2 attempts, averaging 230 ms.' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Attempts of Backup hook' })).getAllByRole('row'),
      ).toHaveLength(3),
    );
  });

  it('says a deleted task does not exist and leads back to the list, with no "Try again"', async () => {
    mockFetch({
      [`GET /api/tasks/${failedTask.id}`]: apiError(
        404,
        'NOT_FOUND',
        `Task ${failedTask.id} does not exist.`,
      ),
    });
    const { user, router } = renderApp(`/tasks/${failedTask.id}`);
    expect(
      await screen.findByText('This task does not exist: it may have been deleted.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    mockFetch({ 'GET /api/tasks': page([]) });
    await user.click(screen.getByRole('link', { name: 'Back to the task list' }));
    expect(router.state.location.pathname).toBe('/tasks');
  });
  it('shows a payload with placeholders as the next run will send it, rendered for its due instant', async () => {
    const templated = taskDetail({
      task_name: 'Standup',
      timezone: 'Europe/Berlin',
      next_run_at: '2025-03-07T08:00:00.000Z',
      json_payload: {
        content: '{{task_name}} <t:{{scheduled_for_unix}}:R> at {{scheduled_for_local}}, run {{run_id}}',
      },
    });
    mockFetch({
      [`GET /api/tasks/${templated.id}`]: templated,
      [`GET /api/tasks/${templated.id}/logs`]: page([]),
    });
    renderApp(`/tasks/${templated.id}`);

    const sent = await screen.findByLabelText('Payload as sent at the next run');
    expect(JSON.parse(sent.textContent ?? '')).toEqual({
      content: 'Standup <t:1741334400:R> at 2025-03-07T09:00:00+01:00, run <run id>',
    });
    expect(screen.getByText('Payload').nextElementSibling).toHaveTextContent('{{task_name}}');
  });

  it('shows no second payload when there is nothing to render, or no next run', async () => {
    const plain = taskDetail({ task_name: 'Plain' });
    const paused = taskDetail({
      task_name: 'Paused',
      enabled: false,
      json_payload: { content: '{{task_name}}' },
    });
    for (const task of [plain, paused]) {
      mockFetch({ [`GET /api/tasks/${task.id}`]: task, [`GET /api/tasks/${task.id}/logs`]: page([]) });
      const { unmount } = renderApp(`/tasks/${task.id}`);
      expect(await screen.findByRole('heading', { name: task.task_name })).toBeInTheDocument();
      expect(screen.queryByLabelText('Payload as sent at the next run')).not.toBeInTheDocument();
      unmount();
    }
  });
});
