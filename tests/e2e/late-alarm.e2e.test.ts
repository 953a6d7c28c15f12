import { startSystem, type SystemUnderTest, waitFor } from '@scheduler/test-support';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApi, startApi } from '../api/api-harness';

// The late alarm (SPEC §15) with every publisher stopped: the API process watches too.
// Alerts to webhooks (§14) are not in this version: the alarm is a log line and a metric.
let system: SystemUnderTest;
let api: RunningApi;

beforeAll(async () => {
  system = await startSystem({ publishers: 0, workers: 1 });
  api = await startApi({
    env: () => ({
      DATABASE_URL: system.database.url,
      REDIS_PREFIX: system.prefix,
      LATE_ALERT_AFTER_MS: '1000',
    }),
  });
});
afterAll(async () => {
  await api?.stop();
  await system?.stop();
});

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

test('no publisher: a due task is reported late once, and recovered once when a publisher fires it', async () => {
  const task = await system.taskService.create({
    task_name: 'nobody claims me',
    run_at: new Date(Date.now() + 500).toISOString(),
    webhook_url: system.webhookUrl,
    json_payload: { content: 'late' },
  });
  // (JSON logs escape the quotes around the name.)
  const late = new RegExp(`task\\.late: .{0,2}nobody claims me.{0,2} \\(${task.id}\\) is \\d+ s late`);
  await api.process.waitForOutput(late, 20_000);
  // Three more passes of the watch (5 s apart): still one alarm for this incident.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  expect(count(api.process.output(), late)).toBe(1);

  const publisher = await system.startPublisher({ LATE_ALERT_AFTER_MS: '1000' });
  await waitFor('the run to be delivered', async () => (await system.dummyCount()) === 1, 20_000);
  const recovered = new RegExp(`task\\.late_recovered: task ${task.id}`);
  await waitFor(
    'the recovery, from the API or the publisher',
    async () => count(api.process.output() + publisher.output(), recovered) === 1,
    20_000,
  );
  // Deduplicated across the two watchers: the publisher raised no second alarm.
  expect(count(publisher.output(), late)).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  expect(count(api.process.output() + publisher.output(), recovered)).toBe(1);
});
