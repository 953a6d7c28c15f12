import { describe, expect, it } from 'vitest';
import { upcomingRun, waitingFor } from './upcoming-run';

const at = new Date('2099-01-01T09:00:00Z');
const past = new Date('2000-01-01T09:00:00Z');

describe('upcomingRun', () => {
  it.each([
    ['a ready, enabled task', { task_status: 'ready', enabled: true, next_run_at: at }, { kind: 'due', at }],
    [
      'a running task: its next instant',
      { task_status: 'running', enabled: true, next_run_at: at },
      { kind: 'due', at },
    ],
    [
      'a schedule that never comes due again',
      { task_status: 'ready', enabled: true, next_run_at: null },
      { kind: 'never' },
    ],
    [
      'a chained task (neither schedule nor run_at): after its dependencies',
      { task_status: 'ready', enabled: true, next_run_at: null, task_schedule: null, run_at: null },
      { kind: 'after-dependencies' },
    ],
    [
      'a one-time task that fired: never again',
      { task_status: 'ready', enabled: true, next_run_at: null, task_schedule: null, run_at: past },
      { kind: 'never' },
    ],
    [
      'a paused chained task waits to be enabled',
      { task_status: 'ready', enabled: false, next_run_at: null, task_schedule: null, run_at: null },
      { kind: 'waiting', until: ['enabled'] },
    ],
    [
      'a paused task, whose next_run_at slips into the past',
      { task_status: 'ready', enabled: false, next_run_at: past },
      { kind: 'waiting', until: ['enabled'] },
    ],
    [
      'a failed task, whatever its next_run_at says',
      { task_status: 'failed', enabled: true, next_run_at: at },
      { kind: 'waiting', until: ['re-armed'] },
    ],
    [
      'a failed and paused task',
      { task_status: 'failed', enabled: false, next_run_at: at },
      { kind: 'waiting', until: ['re-armed', 'enabled'] },
    ],
  ])('%s', (_, task, expected) => {
    expect(upcomingRun(task)).toEqual(expected);
  });

  it('says what a waiting task waits for', () => {
    expect(waitingFor(['re-armed', 'enabled'])).toBe('re-armed and enabled');
    expect(waitingFor(['enabled'])).toBe('enabled');
  });
});
