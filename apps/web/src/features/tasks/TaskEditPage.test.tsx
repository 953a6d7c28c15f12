import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskDetail, taskItem } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

const broken = taskDetail({
  task_name: 'Broken hook',
  task_status: 'failed',
  webhook_url: 'http://127.0.0.1:4000/no-such-hook',
});

describe('task edit page', () => {
  it('offers to save a failed task and re-arm it in one step, which sends the fix with task_status ready', async () => {
    const api = mockFetch({
      [`GET /api/tasks/${broken.id}`]: broken,
      [`GET /api/tasks/${broken.id}/logs`]: page([]),
      [`PATCH /api/tasks/${broken.id}`]: { ...broken, task_status: 'ready' },
    });
    const { user, router } = renderApp(`/tasks/${broken.id}/edit`);
    const url = await screen.findByLabelText('Webhook URL');
    expect(screen.getByText('This task failed: it runs again only once re-armed.')).toBeInTheDocument();

    await user.clear(url);
    await user.type(url, 'http://127.0.0.1:4000/webhook');
    await user.click(screen.getByRole('button', { name: 'Save and re-arm' }));

    expect(await screen.findByText('Task "Broken hook" saved and re-armed.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(`/tasks/${broken.id}`);
    const [request] = api.find('PATCH', `/api/tasks/${broken.id}`);
    expect(await request?.json()).toMatchObject({
      webhook_url: 'http://127.0.0.1:4000/webhook',
      task_status: 'ready',
    });
  });

  it('edits a chained task: its dependencies chosen, saved without a schedule', async () => {
    const upstream = taskItem({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', task_name: 'Nightly export' });
    const cleanup = taskItem({ id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', task_name: 'Cleanup' });
    const chained = taskDetail({
      task_name: 'Chained report',
      task_schedule: null,
      next_run_at: null,
      depends_on: [upstream.id],
      dependencies: [{ id: upstream.id, task_name: upstream.task_name }],
    });
    const api = mockFetch({
      'GET /api/tasks': page([cleanup, upstream]),
      [`GET /api/tasks/${chained.id}`]: chained,
      [`GET /api/tasks/${chained.id}/logs`]: page([]),
      [`PATCH /api/tasks/${chained.id}`]: chained,
    });
    const { user } = renderApp(`/tasks/${chained.id}/edit`);
    const runsAfter = await screen.findByLabelText('Runs after');
    expect(screen.getByRole('radio', { name: 'After other tasks' })).toBeChecked();
    await screen.findByRole('option', { name: 'Cleanup' });
    expect(runsAfter).toHaveValue([upstream.id]);

    await user.selectOptions(runsAfter, 'Cleanup');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Task "Chained report" saved.')).toBeInTheDocument();
    const body = (await api.find('PATCH', `/api/tasks/${chained.id}`)[0]?.json()) as Record<string, unknown>;
    expect([...(body.depends_on as string[])].sort()).toEqual([upstream.id, cleanup.id].sort());
    expect(body).toMatchObject({ task_schedule: null, run_at: null });
  });

  it('makes a scheduled task chained: the save clears its schedule, so it runs after the task chosen', async () => {
    const upstream = taskItem({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', task_name: 'Nightly export' });
    const scheduled = taskDetail({ task_name: 'Report', task_schedule: '0 9 * * *' });
    const api = mockFetch({
      'GET /api/tasks': page([upstream]),
      [`GET /api/tasks/${scheduled.id}`]: scheduled,
      [`GET /api/tasks/${scheduled.id}/logs`]: page([]),
      [`PATCH /api/tasks/${scheduled.id}`]: {
        ...scheduled,
        task_schedule: null,
        next_run_at: null,
        depends_on: [upstream.id],
        dependencies: [{ id: upstream.id, task_name: upstream.task_name }],
      },
    });
    const { user } = renderApp(`/tasks/${scheduled.id}/edit`);
    await screen.findByLabelText('Schedule (cron)');
    await user.click(screen.getByRole('radio', { name: 'After other tasks' }));
    await screen.findByRole('option', { name: 'Nightly export' });
    await user.selectOptions(screen.getByLabelText('Runs after'), 'Nightly export');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Task "Report" saved.')).toBeInTheDocument();
    const body = (await api.find('PATCH', `/api/tasks/${scheduled.id}`)[0]?.json()) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({ task_schedule: null, run_at: null, depends_on: [upstream.id] });
  });

  it('shows masked header values and sends the masks back unchanged, with the method and timeout edited', async () => {
    const withHeaders = {
      ...broken,
      task_status: 'ready' as const,
      headers: { Authorization: '********WXYZ', 'X-Team': 'reports' },
    };
    const api = mockFetch({
      [`GET /api/tasks/${broken.id}`]: withHeaders,
      [`GET /api/tasks/${broken.id}/logs`]: page([]),
      [`PATCH /api/tasks/${broken.id}`]: withHeaders,
    });
    const { user } = renderApp(`/tasks/${broken.id}/edit`);
    const headers = await screen.findByLabelText('Headers');
    expect(headers).toHaveValue('Authorization: ********WXYZ\nX-Team: reports');

    await user.selectOptions(screen.getByLabelText('Method'), 'PUT');
    await user.type(screen.getByLabelText('Timeout (ms)'), '15000');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Task "Broken hook" saved.')).toBeInTheDocument();
    expect(await api.find('PATCH', `/api/tasks/${broken.id}`)[0]?.json()).toMatchObject({
      http_method: 'PUT',
      timeout_ms: 15000,
      headers: { Authorization: '********WXYZ', 'X-Team': 'reports' },
    });
  });

  it('saves a failed task without re-arming it when asked to', async () => {
    const api = mockFetch({
      [`GET /api/tasks/${broken.id}`]: broken,
      [`GET /api/tasks/${broken.id}/logs`]: page([]),
      [`PATCH /api/tasks/${broken.id}`]: broken,
    });
    const { user } = renderApp(`/tasks/${broken.id}/edit`);
    await user.click(await screen.findByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Task "Broken hook" saved.')).toBeInTheDocument();
    expect(await api.find('PATCH', `/api/tasks/${broken.id}`)[0]?.json()).not.toHaveProperty('task_status');
  });

  it('offers no re-arm for a task that has not failed', async () => {
    const ready = { ...broken, task_status: 'ready' as const };
    mockFetch({ [`GET /api/tasks/${ready.id}`]: ready });
    renderApp(`/tasks/${ready.id}/edit`);
    expect(await screen.findByRole('button', { name: 'Save changes' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save and re-arm' })).not.toBeInTheDocument();
  });
});
