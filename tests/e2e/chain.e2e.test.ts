import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';

// SPEC §13's chain, end to end: A → B → C, B's webhook answering 500 once. Each link runs once
// its dependency has finished (trigger dependency), B's failed attempt is retried within its run,
// and C waits for B's recovery — once per round, with two publishers and two workers.
let system: SystemUnderTest;
let receiver: Server;
let receiverUrl: string;
/** The paths the receiver was called on, in order, with what it answered. */
const calls: { path: string; status: number; at: Date }[] = [];

beforeAll(async () => {
  let bFailed = false;
  receiver = createServer((request, response) => {
    request.resume();
    const path = request.url ?? '';
    // B's webhook is down for one request, then recovers.
    const status = path === '/b' && !bFailed ? 500 : 200;
    if (path === '/b') bFailed = true;
    calls.push({ path, status, at: new Date() });
    response.statusCode = status;
    response.end(status === 200 ? 'ok' : 'down for a moment');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  system = await startSystem({ retryBackoffMs: 500, publishers: 2, workers: 2 });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

const runsOf = async (taskId: string) =>
  (await system.database.runs.list({ page: 1, limit: 100, taskId })).rows.reverse();

test('A → B → C where B fails once and recovers: one run each, C after B’s recovery', async () => {
  const a = await system.taskService.create({
    task_name: 'A export',
    run_at: new Date(Date.now() + 1_000).toISOString(),
    webhook_url: `${receiverUrl}/a`,
    json_payload: { step: 'A' },
  });
  const b = await system.taskService.create({
    task_name: 'B transform',
    depends_on: [a.id],
    webhook_url: `${receiverUrl}/b`,
    json_payload: { step: 'B' },
    max_retry: 2,
  });
  const c = await system.taskService.create({
    task_name: 'C publish',
    depends_on: [b.id],
    webhook_url: `${receiverUrl}/c`,
    json_payload: { step: 'C' },
  });
  const tasks = [
    { name: 'A', task: a },
    { name: 'B', task: b },
    { name: 'C', task: c },
  ];

  await waitFor('C’s run to end', async () => (await runsOf(c.id)).some((run) => run.finished_at), 60_000);
  // Two publishers go on ticking: the round released each link once, and nothing more comes.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const runs = Object.fromEntries(
    await Promise.all(tasks.map(async ({ name, task }) => [name, await runsOf(task.id)] as const)),
  );
  const attempts = Object.fromEntries(
    await Promise.all(
      tasks.map(
        async ({ name }) => [name, await system.database.runs.attemptsOf(runs[name]![0]!.id)] as const,
      ),
    ),
  );

  // The timeline, to be copied into a note.
  const iso = (value: Date | null) => value?.toISOString() ?? '—';
  const lines = [
    'task  run trigger   status  attempts  due (scheduled_for)       started                   finished',
  ];
  for (const { name } of tasks) {
    for (const run of runs[name]!) {
      lines.push(
        [
          name.padEnd(5),
          run.trigger.padEnd(11),
          run.status.padEnd(7),
          String(run.attempt_count).padEnd(9),
          iso(run.scheduled_for).padEnd(25),
          iso(run.started_at).padEnd(25),
          iso(run.finished_at),
        ].join(' '),
      );
      for (const attempt of attempts[name]!) {
        lines.push(
          `        attempt ${attempt.retry_count}: ${attempt.status} HTTP ${attempt.http_status ?? '—'} at ${iso(attempt.created_at)} — ${attempt.message ?? ''}`,
        );
      }
    }
  }
  lines.push('', 'requests received:');
  for (const call of calls) lines.push(`  ${iso(call.at)}  ${call.path}  → ${call.status}`);
  console.log(`Chain A → B → C, B failing once:\n${lines.join('\n')}`);

  expect(Object.values(runs).map((list) => list.map((run) => [run.trigger, run.status]))).toEqual([
    [['schedule', 'finish']],
    [['dependency', 'finish']],
    [['dependency', 'finish']],
  ]);
  expect(attempts.B!.map((attempt) => [attempt.retry_count, attempt.status, attempt.http_status])).toEqual([
    [0, 'failed', 500],
    [1, 'finish', 200],
  ]);
  expect(calls.map((call) => `${call.path} ${call.status}`)).toEqual([
    '/a 200',
    '/b 500',
    '/b 200',
    '/c 200',
  ]);
  // Each link came due when the one before it finished, and started only after that.
  const [runA, runB, runC] = [runs.A![0]!, runs.B![0]!, runs.C![0]!];
  expect(runB.scheduled_for).toEqual(runA.finished_at);
  expect(runC.scheduled_for).toEqual(runB.finished_at);
  expect(runC.started_at!.getTime()).toBeGreaterThanOrEqual(runB.finished_at!.getTime());
  for (const { task } of tasks) {
    expect((await system.database.tasks.findById(task.id))?.task_status).toBe('ready');
  }
});
