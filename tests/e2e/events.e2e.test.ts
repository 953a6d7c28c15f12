import { openEventStream, startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { API_KEY, type Run, type RunningApi, startApi, type Task } from '../api/api-harness';

// Live events (SPEC §15): the API and the engine publish on Redis; GET /api/events streams them.
let system: SystemUnderTest;
let api: RunningApi;

beforeAll(async () => {
  system = await startSystem();
  api = await startApi({
    env: () => ({ DATABASE_URL: system.database.url, REDIS_PREFIX: system.prefix }),
  });
});
afterAll(async () => {
  await api?.stop();
  await system?.stop();
});

test('needs the key', async () => {
  const refused = await openEventStream(`${api.url}/api/events`, {});
  expect(refused.status).toBe(401);
});

test('a run now is seen queued, started, its attempt finished and the run finished, each within 1 s', async () => {
  const stream = await openEventStream(`${api.url}/api/events`, { 'x-api-key': API_KEY });
  try {
    expect(stream.status).toBe(200);
    const task = await api.createTask({ task_name: 'live', webhook_url: system.webhookUrl });
    const run = (await api.request<Run>('POST', `/api/tasks/${task.id}/execute`)).body;
    const names = ['run.queued', 'run.started', 'attempt.finished', 'run.finished'];
    await waitFor('the four events of the run', async () =>
      names.every((name) => stream.events.some((e) => e.event === name && e.data.run_id === run.id)),
    );
    const ofRun = (name: string) => stream.events.find((e) => e.event === name && e.data.run_id === run.id)!;
    expect(stream.events.find((e) => e.event === 'task.created')?.data).toMatchObject({ task_id: task.id });
    expect(ofRun('run.queued').data).toMatchObject({ task_id: task.id, status: 'queued', trigger: 'manual' });
    expect(ofRun('run.started').data).toMatchObject({ task_id: task.id, status: 'running' });
    expect(ofRun('attempt.finished').data).toMatchObject({
      status: 'finish',
      http_status: 200,
      retry_count: 0,
    });
    expect(ofRun('run.finished').data).toMatchObject({ task_id: task.id, status: 'finish' });

    // Each arrived within 1 s of the change it announces, as PostgreSQL recorded it.
    const stored = await system.database.runs.findById(run.id);
    const [attempt] = await system.database.runs.attemptsOf(run.id);
    const changedAt = {
      'run.queued': stored!.created_at.getTime(),
      'run.started': stored!.started_at!.getTime(),
      'attempt.finished': attempt!.created_at.getTime() + (attempt!.execution_time ?? 0),
      'run.finished': stored!.finished_at!.getTime(),
    };
    for (const [name, at] of Object.entries(changedAt)) {
      expect(ofRun(name).at - at, name).toBeLessThan(1000);
    }
    expect(names.map((name) => stream.events.indexOf(ofRun(name)))).toEqual(
      [...names.map((name) => stream.events.indexOf(ofRun(name)))].sort((a, b) => a - b),
    );

    // Changes made through the API are announced too: a skip of the next run among them.
    expect((await api.request<Task>('POST', `/api/tasks/${task.id}/skip-next`)).status).toBe(200);
    await waitFor('task.updated of the skip', async () =>
      stream.events.some((e) => e.event === 'task.updated' && e.data.task_id === task.id),
    );
    await api.request<Task>('POST', `/api/tasks/${task.id}/toggle`);
    await api.request('DELETE', `/api/tasks/${task.id}`);
    await waitFor(
      'task.updated and task.deleted',
      async () =>
        stream.events.filter((e) => e.event === 'task.updated' && e.data.task_id === task.id).length === 2 &&
        stream.events.some((e) => e.event === 'task.deleted' && e.data.task_id === task.id),
    );
  } finally {
    stream.close();
  }
});

test('a quiet stream gets a heartbeat, and ends cleanly when the API stops', async () => {
  const stream = await openEventStream(`${api.url}/api/events`, { 'x-api-key': API_KEY });
  await waitFor('a heartbeat', async () => stream.comments.includes('keepalive'), 20_000);
  const exit = api.process.stop('SIGTERM');
  await stream.ended;
  expect(await exit).toBe(0);
});
