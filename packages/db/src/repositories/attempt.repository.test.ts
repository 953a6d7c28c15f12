import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@scheduler/test-support';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const newTask = () =>
  t.tasks.create({
    task_name: 'attempts',
    task_schedule: '* * * * *',
    webhook_url: 'http://127.0.0.1:4000/webhook',
    json_payload: '{}',
  });

test('a redelivered attempt reuses its running row; a settled attempt is never inserted again', async () => {
  const task = await newTask();
  const key = { taskId: task.id, scheduledFor: new Date('2030-01-01T00:00:00Z'), retryCount: 0 };
  const first = await t.attempts.insertAttempt(key);
  const redelivered = await t.attempts.insertAttempt(key);
  expect(redelivered?.id).toBe(first?.id);

  await t.attempts.finishAttempt(
    { attemptId: first!.id, status: 'finish', executionTime: 12, httpStatus: 200, message: 'ok' },
    { kind: 'continues' },
  );
  expect(await t.attempts.insertAttempt(key)).toBeUndefined();
  expect(await t.attempts.listForTask(task.id, 10)).toMatchObject([
    { status: 'finish', execution_time: 12, http_status: 200, message: 'ok', retry_count: 0 },
  ]);
  // The next retry of the same due instant is a row of its own.
  expect(await t.attempts.insertAttempt({ ...key, retryCount: 1 })).toBeDefined();
});

test('the final attempt and the task status change together, and only for the run that owns the task', async () => {
  const task = await newTask();
  await t.tasks.claimForRun(task.id, 'job-a', ['ready']);
  const attempt = await t.attempts.insertAttempt({
    taskId: task.id,
    scheduledFor: new Date(),
    retryCount: 0,
  });
  await t.attempts.finishAttempt(
    { attemptId: attempt!.id, status: 'failed', executionTime: 5, httpStatus: 404, message: 'HTTP 404' },
    { kind: 'ends', taskId: task.id, jobId: 'job-a', taskStatus: 'failed' },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'failed', job_id: null });

  // A stale run cannot flip a task another run owns.
  await t.tasks.update(task.id, { task_status: 'running', job_id: 'job-b' });
  const stale = await t.attempts.insertAttempt({ taskId: task.id, scheduledFor: new Date(), retryCount: 0 });
  await t.attempts.finishAttempt(
    { attemptId: stale!.id, status: 'finish', executionTime: 5, httpStatus: 200, message: 'ok' },
    { kind: 'ends', taskId: task.id, jobId: 'job-a', taskStatus: 'ready' },
  );
  expect(await t.tasks.findById(task.id)).toMatchObject({ task_status: 'running', job_id: 'job-b' });
});
