import { describe, expect, test } from 'vitest';
import { alertBody, alertJson, type DigestAlert, healthChange, type TaskAlert } from './alert';
import { discordPayloadProblems } from './discord';

const at = new Date('2026-12-09T10:00:00Z');
const failed: TaskAlert = {
  type: 'task.failed',
  task: { id: '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f', task_name: 'Nightly report' },
  runId: '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a',
  message: 'HTTP 500: down — gave up after 4 attempts',
  at,
};

describe('healthChange', () => {
  test.each([
    // [was failing, run status, disabled, alert]
    [false, 'failed', false, 'task.failed'],
    [true, 'failed', false, undefined],
    [true, 'finish', false, 'task.recovered'],
    [false, 'finish', false, undefined],
    [false, 'failed', true, 'task.disabled'],
    [true, 'failed', true, 'task.disabled'],
  ] as const)('was failing %s, run %s, disabled %s: %s', (wasFailing, status, disabled, expected) => {
    expect(healthChange(wasFailing, status, disabled)).toBe(expected);
  });
});

describe('alert bodies', () => {
  test('any URL but a Discord webhook gets the JSON of SPEC §14', () => {
    expect(alertBody(failed, 'https://hooks.example.com/alerts')).toEqual({
      type: 'task.failed',
      task: { id: failed.task.id, task_name: 'Nightly report' },
      run_id: failed.runId,
      message: failed.message,
      at: '2026-12-09T10:00:00.000Z',
    });
  });

  test('a Discord webhook gets content and one embed', () => {
    const body = alertBody(failed, 'https://discord.com/api/webhooks/1/token');
    expect(body).toMatchObject({
      content: '**task.failed**: “Nightly report” failed',
      embeds: [
        {
          title: 'Nightly report',
          description: failed.message,
          footer: { text: 'Task Scheduler · task.failed' },
        },
      ],
    });
    expect(body.embeds).toHaveLength(1);
    expect(discordPayloadProblems(body)).toEqual([]);
  });

  test('a Discord alert about a huge task stays within every Discord limit', () => {
    const huge: TaskAlert = {
      ...failed,
      task: { ...failed.task, task_name: 'n'.repeat(200) },
      message: 'm'.repeat(9000),
    };
    const digest: DigestAlert = {
      type: 'digest',
      alerts: Array(80).fill(huge) as TaskAlert[],
      maxPerMinute: 10,
      at,
    };
    for (const alert of [huge, digest]) {
      expect(discordPayloadProblems(alertBody(alert, 'https://discord.com/api/webhooks/1/t'))).toEqual([]);
    }
  });

  test('a digest sums the alerts over the limit, by type, and lists them', () => {
    const recovered: TaskAlert = { ...failed, type: 'task.recovered', message: 'delivered again' };
    const digest: DigestAlert = { type: 'digest', alerts: [failed, failed, recovered], maxPerMinute: 2, at };
    expect(alertJson(digest)).toMatchObject({
      type: 'digest',
      task: null,
      run_id: null,
      message: '3 alerts over the limit of 2 a minute: 2 task.failed, 1 task.recovered',
      alerts: [{ type: 'task.failed' }, { type: 'task.failed' }, { type: 'task.recovered' }],
    });
  });
});
