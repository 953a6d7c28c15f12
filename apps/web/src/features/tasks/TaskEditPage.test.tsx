import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskDetail } from '../../test/fixtures';
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
