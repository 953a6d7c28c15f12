import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningApi, startApi } from './api-harness';

/** The request lines the API printed (JSON lines), as `method path status`. */
function requestLines(api: RunningApi): string[] {
  return api.process
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string })
    .filter((entry) => /^[A-Z]+ \/\S* \d{3} /.test(entry.msg ?? ''))
    .map((entry) => (entry.msg ?? '').split(' ').slice(0, 3).join(' '));
}

describe('request log lines', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('at info, changes are logged and reads are not (an open dashboard reads every few seconds)', async () => {
    const task = await api.createTask();
    await api.request('GET', '/api/tasks');
    await api.request('GET', `/api/tasks/${task.id}`);
    await api.request('POST', `/api/tasks/${task.id}/toggle`);
    // The lines are written as each response ends: wait for the last one.
    await api.process.waitForOutput(/POST \/api\/tasks\/\S+\/toggle 200/, 5000);

    expect(requestLines(api)).toEqual(['POST /api/tasks 201', `POST /api/tasks/${task.id}/toggle 200`]);
  });
});
