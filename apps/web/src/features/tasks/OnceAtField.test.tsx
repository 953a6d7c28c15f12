import { fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../../test/fetch-mock';
import { page, taskDetail, taskItem } from '../../test/fixtures';
import { renderApp } from '../../test/render-app';

describe('"Once at" in the task form', () => {
  beforeEach(() => {
    // Thursday 2025-03-06 12:00 UTC. Only Date is faked: promises and timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-06T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('sends run_at, the date and time read in the task’s zone with its offset then, and no task_schedule', async () => {
    const created = taskItem({
      task_name: 'Launch',
      task_schedule: null,
      run_at: '2025-03-30T01:30:00.000Z',
    });
    const api = mockFetch({
      'POST /api/tasks': { status: 201, body: created },
      [`GET /api/tasks/${created.id}`]: taskDetail({ ...created }),
      [`GET /api/tasks/${created.id}/logs`]: page([]),
      [`GET /api/tasks/${created.id}/runs`]: page([]),
    });
    const { user } = renderApp('/tasks/new');
    await screen.findByRole('form', { name: 'Task' });
    await user.type(screen.getByLabelText('Name'), 'Launch');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    await user.selectOptions(screen.getByLabelText('Timezone'), 'Europe/Paris');
    await user.click(screen.getByRole('radio', { name: 'Once at' }));
    expect(screen.queryByLabelText('Schedule (cron)')).not.toBeVisible();

    // 02:30 does not exist in Paris that day: the clocks go from 02:00 to 03:00.
    fireEvent.change(screen.getByLabelText('Date and time'), { target: { value: '2025-03-30T02:30' } });
    expect(screen.getByLabelText('Date and time')).toHaveAccessibleDescription(
      /^02:30 does not exist that day in Europe\/Paris \(clocks go forward\): it fires at Sun 2025-03-30 03:30:00 Europe\/Paris/,
    );
    await user.click(screen.getByRole('button', { name: 'Create task' }));

    expect(await screen.findByRole('heading', { name: 'Launch' })).toBeInTheDocument();
    const [request] = api.find('POST', '/api/tasks');
    const body = (await request?.json()) as Record<string, unknown>;
    expect(body.run_at).toBe('2025-03-30T03:30:00+02:00');
    expect(body).not.toHaveProperty('task_schedule');
    expect(body.timezone).toBe('Europe/Paris');
  });

  it('refuses to send without a date and time', async () => {
    const api = mockFetch({});
    const { user } = renderApp('/tasks/new');
    await screen.findByRole('form', { name: 'Task' });
    await user.type(screen.getByLabelText('Name'), 'Launch');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    await user.click(screen.getByRole('radio', { name: 'Once at' }));
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByText('Expected a date and a time.')).toBeInTheDocument();
    expect(screen.getByLabelText('Date and time')).toHaveFocus();
    expect(api.find('POST', '/api/tasks')).toEqual([]);
  });

  it('edits a one-time task as "Once at" its instant, and leaves a fired instant out of the PATCH', async () => {
    const task = taskDetail({
      task_schedule: null,
      run_at: '2025-03-01T08:00:00.000Z',
      next_run_at: null,
      timezone: 'Asia/Kolkata',
    });
    const api = mockFetch({
      [`GET /api/tasks/${task.id}`]: task,
      [`PATCH /api/tasks/${task.id}`]: task,
      [`GET /api/tasks/${task.id}/logs`]: page([]),
      [`GET /api/tasks/${task.id}/runs`]: page([]),
    });
    const { user } = renderApp(`/tasks/${task.id}/edit`);
    await screen.findByRole('form', { name: 'Task' });
    expect(screen.getByRole('radio', { name: 'Once at' })).toBeChecked();
    expect(screen.getByLabelText('Date and time')).toHaveValue('2025-03-01T13:30');

    await user.type(screen.getByLabelText('Name'), ' (v2)');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await vi.waitFor(() => expect(api.find('PATCH', `/api/tasks/${task.id}`)).toHaveLength(1));
    const body = (await api.find('PATCH', `/api/tasks/${task.id}`)[0]?.json()) as Record<string, unknown>;
    expect(body.task_name).toBe('Morning digest (v2)');
    expect(body).not.toHaveProperty('run_at');
    expect(body).not.toHaveProperty('task_schedule');
  });
});
