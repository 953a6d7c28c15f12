import { InvalidScheduleError, parseSchedule } from '@scheduler/core';
import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, mockFetch } from '../../test/fetch-mock';
import { taskDetail, taskItem } from '../../test/fixtures';
import { renderApp, testApiKey } from '../../test/render-app';
import { discordTemplate } from './discord-template';

/** The parser's own message for an expression it refuses: the form must show exactly this. */
function parserMessage(expression: string): string {
  try {
    parseSchedule(expression);
  } catch (error) {
    if (error instanceof InvalidScheduleError) return error.message;
    throw error;
  }
  throw new Error(`${expression} was expected to be invalid`);
}

async function openForm() {
  const app = renderApp('/tasks/new');
  await screen.findByRole('form', { name: 'Task' });
  return app;
}

describe('task form', () => {
  beforeEach(() => {
    // Thursday 2025-03-06 12:00 UTC. Only Date is faked: promises and timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-06T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it("shows the schedule parser's own message for an invalid cron", async () => {
    const { user } = await openForm();
    const schedule = screen.getByLabelText('Schedule (cron)');
    await user.clear(schedule);
    await user.type(schedule, '61 * * * *');
    const expected = parserMessage('61 * * * *');
    expect(screen.getByText(expected)).toBeInTheDocument();
    expect(schedule).toHaveAttribute('aria-invalid', 'true');
    expect(schedule).toHaveAccessibleDescription(expected);
    expect(screen.queryByRole('list', { name: 'Next due instants' })).not.toBeInTheDocument();
  });

  it('describes a valid cron in words and lists its next five due instants, read in the chosen timezone and shown in the display zone', async () => {
    const { user } = await openForm();
    const schedule = screen.getByLabelText('Schedule (cron)');
    await user.clear(schedule);
    await user.type(schedule, '0 9 * * 1-5');
    await user.selectOptions(screen.getByLabelText('Timezone'), 'Asia/Tokyo');

    expect(screen.getByText('At 09:00, Monday through Friday')).toBeInTheDocument();
    const instants = within(screen.getByRole('list', { name: 'Next due instants' })).getAllByRole('listitem');
    expect(instants.map((item) => item.querySelector('time')?.textContent)).toEqual([
      'Fri 2025-03-07 00:00:00 UTC',
      'Mon 2025-03-10 00:00:00 UTC',
      'Tue 2025-03-11 00:00:00 UTC',
      'Wed 2025-03-12 00:00:00 UTC',
      'Thu 2025-03-13 00:00:00 UTC',
    ]);
    expect(screen.getByText('Next due, shown in UTC')).toBeInTheDocument();
  });

  it('follows the timezone across a DST change', async () => {
    const { user } = await openForm();
    const schedule = screen.getByLabelText('Schedule (cron)');
    await user.clear(schedule);
    await user.type(schedule, '0 9 * * *');
    await user.selectOptions(screen.getByLabelText('Timezone'), 'America/New_York');
    const times = within(screen.getByRole('list', { name: 'Next due instants' }))
      .getAllByRole('listitem')
      .map((item) => item.querySelector('time')?.getAttribute('dateTime'));
    // 09:00 EST is 14:00Z; after the 9 March spring-forward, 09:00 EDT is 13:00Z.
    expect(times).toEqual([
      '2025-03-06T14:00:00.000Z',
      '2025-03-07T14:00:00.000Z',
      '2025-03-08T14:00:00.000Z',
      '2025-03-09T13:00:00.000Z',
      '2025-03-10T13:00:00.000Z',
    ]);
  });

  it('flags invalid JSON as it is typed, and a payload that is not an object or array', async () => {
    const { user } = await openForm();
    const payload = screen.getByLabelText('JSON payload');
    await user.clear(payload);
    await user.type(payload, '{{"content": "hi"');
    expect(payload).toHaveAttribute('aria-invalid', 'true');
    expect(payload).toHaveAccessibleDescription(/^Invalid JSON: /);

    await user.clear(payload);
    await user.type(payload, '42');
    expect(payload).toHaveAccessibleDescription('Expected a JSON object or array, got number.');

    // Numbers JSON.parse would change: the form says so rather than send null or rounded digits.
    await user.clear(payload);
    await user.type(payload, '{{"n": 1e400}');
    expect(payload).toHaveAccessibleDescription(
      'The number at $.n is out of range: expected a finite number.',
    );
    await user.clear(payload);
    await user.type(payload, '{{"id": 123456789012345678901}');
    expect(payload).toHaveAccessibleDescription(/^The number at \$\.id is too large to keep exactly/);

    await user.clear(payload);
    await user.type(payload, '[[]');
    expect(payload).not.toHaveAttribute('aria-invalid');
    expect(payload).toHaveAccessibleDescription(/^Valid JSON/);
  });

  it('fills the payload with the Discord message template', async () => {
    const { user } = await openForm();
    await user.click(screen.getByRole('button', { name: 'Use Discord template' }));
    const payload = screen.getByLabelText<HTMLTextAreaElement>('JSON payload');
    expect(JSON.parse(payload.value)).toEqual(discordTemplate);
    expect(payload).not.toHaveAttribute('aria-invalid');
  });

  it('does not send a form with errors and focuses the first one', async () => {
    const { requests } = mockFetch({});
    const { user } = await openForm();
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByLabelText('Name')).toHaveFocus();
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Expected a name.');
    expect(screen.getByLabelText('Webhook URL')).toHaveAccessibleDescription(/Expected an http\(s\) URL/);
    // Nothing but the live event stream's connection: no task sent.
    expect(requests.filter((request) => !request.url.endsWith('/api/events'))).toEqual([]);
  });

  it('sends the alert URL typed, and names one that is no URL before sending anything', async () => {
    const created = taskItem({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', task_name: 'Alerting' });
    const api = mockFetch({
      'POST /api/tasks': { status: 201, body: created },
      [`GET /api/tasks/${created.id}`]: {
        ...created,
        logs: [],
        next_runs: [],
        depends_on: [],
        dependencies: [],
        dependents: [],
      },
      [`GET /api/tasks/${created.id}/logs`]: {
        data: [],
        meta: { page: 1, limit: 20, total: 0, total_pages: 0 },
      },
    });
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Alerting');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    await user.type(screen.getByLabelText('Alert URL (optional)'), 'alerts please');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByLabelText('Alert URL (optional)')).toHaveAccessibleDescription(
      /Expected an http\(s\) URL/,
    );
    expect(api.find('POST', '/api/tasks')).toEqual([]);

    await user.clear(screen.getByLabelText('Alert URL (optional)'));
    await user.type(
      screen.getByLabelText('Alert URL (optional)'),
      'https://discord.com/api/webhooks/1/alerts',
    );
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(await screen.findByRole('heading', { name: 'Alerting' })).toBeInTheDocument();
    const [request] = api.find('POST', '/api/tasks');
    expect(await request?.json()).toMatchObject({ alert_url: 'https://discord.com/api/webhooks/1/alerts' });
  });

  it('creates the task with the API body and opens its page', async () => {
    const created = taskItem({ id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', task_name: 'Stand-up ping' });
    const api = mockFetch({
      'POST /api/tasks': { status: 201, body: created },
      [`GET /api/tasks/${created.id}`]: {
        ...created,
        logs: [],
        next_runs: [],
        depends_on: [],
        dependencies: [],
        dependents: [],
      },
      [`GET /api/tasks/${created.id}/logs`]: {
        data: [],
        meta: { page: 1, limit: 20, total: 0, total_pages: 0 },
      },
    });
    const { user, router } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Stand-up ping');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    await user.clear(screen.getByLabelText('Retries after a failed attempt'));
    await user.type(screen.getByLabelText('Retries after a failed attempt'), '5');
    await user.clear(screen.getByLabelText('Priority'));
    await user.type(screen.getByLabelText('Priority'), '9');
    await user.selectOptions(screen.getByLabelText('Timezone'), 'Europe/Paris');
    await user.click(screen.getByRole('switch', { name: 'Enabled' }));
    await user.click(screen.getByRole('button', { name: 'Create task' }));

    expect(await screen.findByRole('heading', { name: 'Stand-up ping' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(`/tasks/${created.id}`);
    const [request] = api.find('POST', '/api/tasks');
    expect(request?.headers.get('X-API-KEY')).toBe(testApiKey);
    expect(await request?.json()).toEqual({
      task_name: 'Stand-up ping',
      task_schedule: '*/5 * * * *',
      timezone: 'Europe/Paris',
      webhook_url: 'http://127.0.0.1:4000/webhook',
      json_payload: { content: 'Hello from Task Scheduler' },
      max_retry: 5,
      priority: 9,
      enabled: false,
      starts_at: null,
      ends_at: null,
      paused_until: null,
      deliver_within_ms: null,
      catch_up: 'latest',
      jitter_ms: 0,
      http_method: 'POST',
      headers: {},
      timeout_ms: null,
      alert_url: null,
    });
    expect(screen.getByText('Task "Stand-up ping" created.')).toBeInTheDocument();
  });

  it('creates a chained task: "After other tasks" sends depends_on and no schedule, and asks for one task at least', async () => {
    const upstream = taskItem({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', task_name: 'Nightly export' });
    const other = taskItem({ id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', task_name: 'Cleanup' });
    const created = taskItem({
      id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      task_name: 'Report',
      task_schedule: null,
      next_run_at: null,
    });
    const api = mockFetch({
      'GET /api/tasks': { data: [other, upstream], meta: { page: 1, limit: 100, total: 2, total_pages: 1 } },
      'POST /api/tasks': { status: 201, body: created },
      [`GET /api/tasks/${created.id}`]: taskDetail({
        ...created,
        depends_on: [upstream.id],
        dependencies: [upstream],
      }),
      [`GET /api/tasks/${created.id}/logs`]: {
        data: [],
        meta: { page: 1, limit: 20, total: 0, total_pages: 0 },
      },
    });
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Report');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    await user.click(screen.getByRole('radio', { name: 'After other tasks' }));
    expect(screen.queryByLabelText('Schedule (cron)')).not.toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByLabelText('Runs after')).toHaveAccessibleDescription(
      'Expected at least one task for it to run after.',
    );
    expect(api.find('POST', '/api/tasks')).toEqual([]);

    await user.selectOptions(await screen.findByLabelText('Runs after'), 'Nightly export');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(await screen.findByRole('heading', { name: 'Report' })).toBeInTheDocument();
    const body = (await api.find('POST', '/api/tasks')[0]?.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ task_name: 'Report', depends_on: [upstream.id] });
    // Neither a schedule nor an instant.
    expect(body).toMatchObject({ task_schedule: null, run_at: null });
  });

  it('takes execution control: the preview starts at starts_at and the body carries each field', async () => {
    const created = taskItem({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', task_name: 'Later' });
    const api = mockFetch({
      'POST /api/tasks': { status: 201, body: created },
      [`GET /api/tasks/${created.id}`]: {
        ...created,
        logs: [],
        next_runs: [],
        depends_on: [],
        dependencies: [],
        dependents: [],
      },
      [`GET /api/tasks/${created.id}/logs`]: {
        data: [],
        meta: { page: 1, limit: 20, total: 0, total_pages: 0 },
      },
    });
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Later');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    const schedule = screen.getByLabelText('Schedule (cron)');
    await user.clear(schedule);
    await user.type(schedule, '0 9 * * *');
    await user.type(screen.getByLabelText('Starts at'), '2025-03-10T00:00:00');
    await user.type(screen.getByLabelText('Ends at'), '2025-03-11T12:00:00');
    const times = within(screen.getByRole('list', { name: 'Next due instants' }))
      .getAllByRole('listitem')
      .map((item) => item.querySelector('time')?.getAttribute('dateTime'));
    expect(times).toEqual(['2025-03-10T09:00:00.000Z', '2025-03-11T09:00:00.000Z']);

    await user.type(screen.getByLabelText('Jitter (ms)'), '99999999');
    await user.tab();
    expect(screen.getByLabelText('Jitter (ms)')).toHaveAccessibleDescription(/from 0 to 3600000/);
    await user.clear(screen.getByLabelText('Jitter (ms)'));
    await user.type(screen.getByLabelText('Jitter (ms)'), '5000');
    await user.type(screen.getByLabelText('Deliver within (ms)'), '60000');
    await user.selectOptions(screen.getByLabelText('Missed instants'), 'none');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(await screen.findByRole('heading', { name: 'Later' })).toBeInTheDocument();
    const [request] = api.find('POST', '/api/tasks');
    expect(await request?.json()).toMatchObject({
      starts_at: '2025-03-10T00:00:00+00:00',
      ends_at: '2025-03-11T12:00:00+00:00',
      paused_until: null,
      deliver_within_ms: 60000,
      catch_up: 'none',
      jitter_ms: 5000,
    });
  });

  it('refuses a priority outside 1 to 10, saying so beside the field', async () => {
    const { fetchMock } = mockFetch({});
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Urgent');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/webhook');
    await user.clear(screen.getByLabelText('Priority'));
    await user.type(screen.getByLabelText('Priority'), '11');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByLabelText('Priority')).toHaveAccessibleDescription(
      'Expected a whole number from 1 (lowest) to 10 (highest).',
    );
    // Nothing was sent (the live events stream aside).
    expect(
      fetchMock.mock.calls.filter(([url]) => typeof url === 'string' && url.startsWith('/api/tasks')),
    ).toEqual([]);
  });

  it("shows the API's error message and its field details inline", async () => {
    mockFetch({
      'POST /api/tasks': apiError(400, 'VALIDATION_ERROR', 'The task is invalid: see details.', {
        webhook_url: 'private addresses are not allowed: expected a public host',
      }),
    });
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Internal hook');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://10.0.0.1/hook');
    await user.click(screen.getByRole('button', { name: 'Create task' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The task is invalid: see details.');
    expect(screen.getByLabelText('Webhook URL')).toHaveAccessibleDescription(
      'private addresses are not allowed: expected a public host',
    );
    // Editing the field clears the stale server message.
    await user.type(screen.getByLabelText('Webhook URL'), 'x');
    expect(screen.getByLabelText('Webhook URL')).toHaveAccessibleDescription('The payload is sent here.');
  });

  it('sends a GET task with headers and no payload as {}, and names a bad header line', async () => {
    const created = taskItem({ id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', task_name: 'Health probe' });
    const api = mockFetch({
      'POST /api/tasks': { status: 201, body: created },
      [`GET /api/tasks/${created.id}`]: taskDetail({ id: created.id, task_name: created.task_name }),
      [`GET /api/tasks/${created.id}/logs`]: {
        data: [],
        meta: { page: 1, limit: 20, total: 0, total_pages: 0 },
      },
    });
    const { user } = await openForm();
    await user.type(screen.getByLabelText('Name'), 'Health probe');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:4000/health');
    await user.selectOptions(screen.getByLabelText('Method'), 'GET');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByText('GET sends no body: leave the payload empty, or {}.')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('JSON payload'));
    await user.type(screen.getByLabelText('Headers'), 'no colon here');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(screen.getByLabelText('Headers')).toHaveAccessibleDescription(
      'Expected "Name: value" on each line, got "no colon here".',
    );

    await user.clear(screen.getByLabelText('Headers'));
    await user.type(screen.getByLabelText('Headers'), 'X-Probe: yes');
    await user.click(screen.getByRole('button', { name: 'Create task' }));
    expect(await screen.findByRole('heading', { name: 'Health probe' })).toBeInTheDocument();
    expect(await api.find('POST', '/api/tasks')[0]?.json()).toMatchObject({
      http_method: 'GET',
      json_payload: {},
      headers: { 'X-Probe': 'yes' },
    });
  });
});
