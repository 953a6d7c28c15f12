import { describe, expect, it } from 'vitest';
import {
  comesDueAt,
  dueAt,
  instantAfterNext,
  MAX_CATCH_UP_RUNS,
  nextDueInstant,
  nominalInstantOf,
  ON_TIME_GRACE_MS,
  planClaim,
  type TaskTiming,
  upcomingDueInstants,
  jitterProblem,
} from './due';
import { jitterOffsetMs } from './jitter';

const ID = '4c1e3f0a-9d2b-4e57-8a6f-0b1c2d3e4f50';
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null | undefined) => (d ? d.toISOString().replace('.000Z', 'Z') : d);

function task(fields: Partial<TaskTiming> & { next_run_at?: Date | null } = {}) {
  return {
    id: ID,
    task_schedule: '0 * * * *',
    run_at: null,
    timezone: 'UTC',
    next_run_at: null,
    ...fields,
  };
}

describe('nextDueInstant: active range, pause, DST', () => {
  const cases: { name: string; timing: Partial<TaskTiming>; after: string; expected: string | null }[] = [
    { name: 'plain hourly', timing: {}, after: '2026-03-01T10:20:00Z', expected: '2026-03-01T11:00:00Z' },
    {
      name: 'not before starts_at',
      timing: { starts_at: at('2026-03-02T08:30:00Z') },
      after: '2026-03-01T10:20:00Z',
      expected: '2026-03-02T09:00:00Z',
    },
    {
      name: 'an instant exactly at starts_at counts',
      timing: { starts_at: at('2026-03-02T08:00:00Z') },
      after: '2026-03-01T10:20:00Z',
      expected: '2026-03-02T08:00:00Z',
    },
    {
      name: 'an instant exactly at ends_at counts',
      timing: { ends_at: at('2026-03-01T11:00:00Z') },
      after: '2026-03-01T10:20:00Z',
      expected: '2026-03-01T11:00:00Z',
    },
    {
      name: 'past ends_at: never again',
      timing: { ends_at: at('2026-03-01T10:59:59Z') },
      after: '2026-03-01T10:20:00Z',
      expected: null,
    },
    {
      name: 'a one-time task before starts_at never comes due',
      timing: {
        task_schedule: null,
        run_at: at('2026-03-01T12:00:00Z'),
        starts_at: at('2026-03-02T00:00:00Z'),
      },
      after: '2026-03-01T10:20:00Z',
      expected: null,
    },
    {
      name: 'pause with catch_up none: the first instant at or after its end',
      timing: { paused_until: at('2026-03-01T14:30:00Z'), catch_up: 'none' },
      after: '2026-03-01T10:20:00Z',
      expected: '2026-03-01T15:00:00Z',
    },
    {
      name: 'pause with catch_up latest: the first covered instant is kept, for the catch-up',
      timing: { paused_until: at('2026-03-01T14:30:00Z') },
      after: '2026-03-01T10:20:00Z',
      expected: '2026-03-01T11:00:00Z',
    },
    {
      name: 'DST spring-forward: a skipped 02:30 fires once at 03:00 EDT, inside the range',
      timing: {
        task_schedule: '30 2 * * *',
        timezone: 'America/New_York',
        starts_at: at('2025-03-09T00:00:00Z'),
      },
      after: '2025-03-08T12:00:00Z',
      expected: '2025-03-09T07:00:00Z',
    },
    {
      name: 'DST fall-back: a fixed 01:30 fires once, at its first pass, before ends_at',
      timing: {
        task_schedule: '30 1 * * *',
        timezone: 'America/New_York',
        ends_at: at('2025-11-02T06:00:00Z'),
      },
      after: '2025-11-01T12:00:00Z',
      expected: '2025-11-02T05:30:00Z',
    },
    {
      name: 'DST fall-back: past ends_at between the two passes, nothing more',
      timing: {
        task_schedule: '30 1 * * *',
        timezone: 'America/New_York',
        ends_at: at('2025-11-02T06:00:00Z'),
      },
      after: '2025-11-02T05:30:00Z',
      expected: null,
    },
  ];
  it.each(cases)('$name', ({ timing, after, expected }) => {
    expect(iso(nextDueInstant(task(timing), at(after)))).toBe(expected);
  });
});

describe('jitter', () => {
  const nominal = at('2026-03-01T11:00:00Z');

  it('is stable across calls and within [0, jitter_ms]', () => {
    const first = jitterOffsetMs(ID, nominal, 60_000);
    for (let i = 0; i < 5; i += 1) expect(jitterOffsetMs(ID, nominal, 60_000)).toBe(first);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(60_000);
  });

  it('spreads tasks and instants over the range', () => {
    const offsets = new Set<number>();
    for (let i = 0; i < 200; i += 1) {
      offsets.add(jitterOffsetMs(`task-${i}`, nominal, 3_600_000));
      offsets.add(jitterOffsetMs(ID, new Date(nominal.getTime() + i * 3_600_000), 3_600_000));
    }
    expect(offsets.size).toBeGreaterThan(390);
    const values = [...offsets];
    expect(Math.min(...values)).toBeLessThan(360_000);
    expect(Math.max(...values)).toBeGreaterThan(3_240_000);
  });

  it('is none at jitter_ms 0', () => {
    expect(jitterOffsetMs(ID, nominal, 0)).toBe(0);
  });

  it('next_run_at is the jittered instant, and the nominal one is found back from it', () => {
    const timing = task({ jitter_ms: 1_800_000 });
    const due = nextDueInstant(timing, at('2026-03-01T10:20:00Z'))!;
    expect(due.getTime() - nominal.getTime()).toBe(jitterOffsetMs(ID, nominal, 1_800_000));
    expect(iso(nominalInstantOf(timing, due))).toBe('2026-03-01T11:00:00Z');
    // A jitter wider than the interval: the nominal instant is still found.
    const wide = task({ task_schedule: '*/5 * * * *', jitter_ms: 3_600_000 });
    const wideDue = dueAt(wide, at('2026-03-01T11:05:00Z'));
    expect(iso(nominalInstantOf(wide, wideDue))).toBe('2026-03-01T11:05:00Z');
  });

  it('a claim keeps scheduled_for nominal and plans the next jittered instant', () => {
    const timing = task({ jitter_ms: 600_000 });
    const due = dueAt(timing, nominal);
    const plan = planClaim({ ...timing, next_run_at: due }, due);
    expect(plan).toMatchObject({ kind: 'fire', scheduledFor: nominal });
    const next = at('2026-03-01T12:00:00Z');
    expect(plan.kind === 'fire' && plan.next.getTime()).toBe(dueAt(timing, next).getTime());
  });
});

describe('planClaim: catch_up after an outage', () => {
  // Hourly; due at 11:00, the publishers were down until 15:20.
  const claimed = (fields: Partial<TaskTiming>, now = '2026-03-01T15:20:00Z') =>
    planClaim(task({ next_run_at: at('2026-03-01T11:00:00Z'), ...fields }), at(now));

  it('latest (the default): one run, scheduled_for the latest missed instant', () => {
    expect(claimed({})).toEqual({
      kind: 'fire',
      scheduledFor: at('2026-03-01T15:00:00Z'),
      next: at('2026-03-01T16:00:00Z'),
      missed: 1,
    });
  });

  it('latest on time: the due instant itself', () => {
    expect(claimed({}, '2026-03-01T11:00:00.400Z')).toMatchObject({
      kind: 'fire',
      scheduledFor: at('2026-03-01T11:00:00Z'),
      missed: 0,
    });
  });

  it('none: no run, the next run is the next future instant, and never a replay', () => {
    const plan = claimed({ catch_up: 'none' });
    expect(plan).toMatchObject({ kind: 'skip', next: at('2026-03-01T16:00:00Z') });
    // Claimed again at that next instant: it fires it, not anything missed.
    const later = planClaim(
      task({ catch_up: 'none', next_run_at: at('2026-03-01T16:00:00Z') }),
      at('2026-03-01T16:00:01Z'),
    );
    expect(later).toMatchObject({ kind: 'fire', scheduledFor: at('2026-03-01T16:00:00Z') });
  });

  it('none: an instant a few seconds late is on time, not missed', () => {
    const now = new Date(at('2026-03-01T11:00:00Z').getTime() + ON_TIME_GRACE_MS - 1000);
    expect(claimed({ catch_up: 'none' }, now.toISOString())).toMatchObject({
      kind: 'fire',
      scheduledFor: at('2026-03-01T11:00:00Z'),
    });
  });

  it('all: the oldest missed first, the next already due, so they run back to back', () => {
    const scheduled: string[] = [];
    let next: Date | null = at('2026-03-01T11:00:00Z');
    const now = at('2026-03-01T15:20:00Z');
    while (next !== null && next <= now) {
      const plan = planClaim(task({ catch_up: 'all', next_run_at: next }), now);
      if (plan.kind !== 'fire') throw new Error(`unexpected ${plan.kind}`);
      scheduled.push(iso(plan.scheduledFor)!);
      next = plan.next;
    }
    expect(scheduled).toEqual([
      '2026-03-01T11:00:00Z',
      '2026-03-01T12:00:00Z',
      '2026-03-01T13:00:00Z',
      '2026-03-01T14:00:00Z',
      '2026-03-01T15:00:00Z',
    ]);
    expect(iso(next)).toBe('2026-03-01T16:00:00Z');
  });

  it(`all: at most the latest ${MAX_CATCH_UP_RUNS}`, () => {
    // Minutely, down for 3 days: 4,320 missed; the run made first is 100 minutes back.
    const plan = planClaim(
      task({ task_schedule: '* * * * *', catch_up: 'all', next_run_at: at('2026-03-01T00:00:00Z') }),
      at('2026-03-04T00:00:30Z'),
    );
    expect(plan).toMatchObject({
      kind: 'fire',
      scheduledFor: at('2026-03-03T22:21:00Z'),
      next: at('2026-03-03T22:22:00Z'),
    });
  });

  it('the catch-up stays inside the active range', () => {
    expect(claimed({ ends_at: at('2026-03-01T13:30:00Z') })).toEqual({
      kind: 'fire-last',
      scheduledFor: at('2026-03-01T13:00:00Z'),
      missed: 1,
    });
  });

  it('a one-time task missed with none is skipped and never due again', () => {
    const oneTime = { task_schedule: null, run_at: at('2026-03-01T11:00:00Z'), catch_up: 'none' as const };
    expect(claimed(oneTime)).toEqual({ kind: 'skip', next: null, missed: 1 });
    expect(claimed({ ...oneTime, catch_up: 'latest' })).toMatchObject({ kind: 'fire-last' });
  });

  it('DST spring-forward day, latest: the instants of the short day', () => {
    const plan = planClaim(
      task({
        task_schedule: '30 * * * *',
        timezone: 'America/New_York',
        next_run_at: at('2025-03-09T06:30:00Z'),
      }),
      at('2025-03-09T07:45:00Z'),
    );
    // 01:30 EST (06:30Z), then 03:30 EDT (07:30Z): 02:30 does not exist.
    expect(plan).toMatchObject({ kind: 'fire', scheduledFor: at('2025-03-09T07:30:00Z'), missed: 1 });
    expect(plan.kind === 'fire' && iso(plan.next)).toBe('2025-03-09T08:30:00Z');
  });
});

describe('previews: next_runs, comes due, skip-next', () => {
  it('next_runs: the next 5 jittered instants', () => {
    const timing = task({ jitter_ms: 120_000 });
    const next = nextDueInstant(timing, at('2026-03-01T10:20:00Z'));
    const runs = upcomingDueInstants({ ...timing, next_run_at: next }, 5);
    const nominals = ['11', '12', '13', '14', '15'].map((h) => at(`2026-03-01T${h}:00:00Z`));
    expect(runs).toEqual(nominals.map((n) => dueAt(timing, n)));
    expect(runs.some((r, i) => r.getTime() !== nominals[i]!.getTime())).toBe(true);
  });

  it('no run comes due after ends_at, jitter included: an instant whose jittered one falls after it is the end', () => {
    const timing = task({ jitter_ms: 1_800_000 });
    const nominal = at('2026-03-01T11:00:00Z');
    const due = dueAt(timing, nominal);
    expect(due.getTime()).toBeGreaterThan(nominal.getTime());
    const after = at('2026-03-01T10:20:00Z');
    // ends_at between the instant and when it comes due: it never comes due.
    const cut = { ...timing, ends_at: new Date(due.getTime() - 1) };
    expect(nextDueInstant(cut, after)).toBeNull();
    expect(upcomingDueInstants({ ...cut, next_run_at: at('2026-03-01T10:00:00Z') }, 5).map(iso)).toEqual([
      '2026-03-01T10:00:00Z',
    ]);
    // Exactly at it, it does.
    expect(nextDueInstant({ ...timing, ends_at: due }, after)).toEqual(due);
    // Caught up after an outage: the instants that came due by ends_at only.
    const down = planClaim(
      { ...cut, catch_up: 'all', next_run_at: dueAt(timing, at('2026-03-01T09:00:00Z')) },
      at('2026-03-01T13:00:00Z'),
    );
    expect(down).toEqual({
      kind: 'fire',
      scheduledFor: at('2026-03-01T09:00:00Z'),
      next: dueAt(timing, at('2026-03-01T10:00:00Z')),
      missed: 0,
    });
    const last = planClaim(
      { ...cut, next_run_at: dueAt(timing, at('2026-03-01T10:00:00Z')) },
      at('2026-03-01T13:00:00Z'),
    );
    expect(last).toEqual({ kind: 'fire-last', scheduledFor: at('2026-03-01T10:00:00Z'), missed: 0 });
  });

  it('next_runs stops at ends_at', () => {
    const runs = upcomingDueInstants(
      task({ next_run_at: at('2026-03-01T11:00:00Z'), ends_at: at('2026-03-01T12:59:00Z') }),
      5,
    );
    expect(runs.map(iso)).toEqual(['2026-03-01T11:00:00Z', '2026-03-01T12:00:00Z']);
  });

  const paused = (catchUp: 'latest' | 'none' | 'all') =>
    upcomingDueInstants(
      task({
        next_run_at: at('2026-03-01T11:00:00Z'),
        paused_until: at('2026-03-01T12:30:00Z'),
        catch_up: catchUp,
      }),
      4,
    ).map(iso);

  it('a pause: latest catches up once at its end', () => {
    expect(paused('latest')).toEqual([
      '2026-03-01T12:30:00Z',
      '2026-03-01T13:00:00Z',
      '2026-03-01T14:00:00Z',
      '2026-03-01T15:00:00Z',
    ]);
  });

  it('a pause: all catches up each covered instant at its end', () => {
    expect(paused('all')).toEqual([
      '2026-03-01T12:30:00Z',
      '2026-03-01T12:30:00Z',
      '2026-03-01T13:00:00Z',
      '2026-03-01T14:00:00Z',
    ]);
  });

  it('a pause: none skips what it covers', () => {
    expect(paused('none')).toEqual([
      '2026-03-01T13:00:00Z',
      '2026-03-01T14:00:00Z',
      '2026-03-01T15:00:00Z',
      '2026-03-01T16:00:00Z',
    ]);
  });

  it('a pause ending on an instant: latest makes one run there, and the preview shows it once', () => {
    const pausedTask = task({
      next_run_at: at('2026-03-01T11:00:00Z'),
      paused_until: at('2026-03-01T13:00:00Z'),
      catch_up: 'latest',
    });
    expect(upcomingDueInstants(pausedTask, 3).map(iso)).toEqual([
      '2026-03-01T13:00:00Z',
      '2026-03-01T14:00:00Z',
      '2026-03-01T15:00:00Z',
    ]);
    // What the claim at the pause's end does: one run, for 13:00 (11:00 and 12:00 missed), then 14:00.
    expect(planClaim(pausedTask, at('2026-03-01T13:00:00Z'))).toEqual({
      kind: 'fire',
      scheduledFor: at('2026-03-01T13:00:00Z'),
      next: at('2026-03-01T14:00:00Z'),
      missed: 1,
    });
  });

  it('comes due no earlier than the pause ends', () => {
    const next = at('2026-03-01T11:00:00Z');
    expect(comesDueAt({ next_run_at: next, paused_until: at('2026-03-01T12:30:00Z') })).toEqual(
      at('2026-03-01T12:30:00Z'),
    );
    expect(comesDueAt({ next_run_at: next, paused_until: at('2026-03-01T10:00:00Z') })).toEqual(next);
    expect(comesDueAt({ next_run_at: null, paused_until: at('2026-03-01T12:30:00Z') })).toBeNull();
  });

  it('skip-next: the instant after the next one, jittered, or none past ends_at', () => {
    const timing = task({ jitter_ms: 300_000 });
    const next = dueAt(timing, at('2026-03-01T11:00:00Z'));
    expect(instantAfterNext({ ...timing, next_run_at: next })).toEqual(
      dueAt(timing, at('2026-03-01T12:00:00Z')),
    );
    expect(
      instantAfterNext({ ...timing, ends_at: at('2026-03-01T11:30:00Z'), next_run_at: next }),
    ).toBeNull();
  });
});

describe('jitterProblem', () => {
  const from = new Date('2026-03-01T10:00:30Z');
  it('fits while shorter than the shortest interval between instants', () => {
    expect(jitterProblem('* * * * *', 'UTC', 59_999, from)).toBeUndefined();
    expect(jitterProblem('0 9,10 * * *', 'UTC', 3_599_999, from)).toBeUndefined();
    expect(jitterProblem('*/5 * * * * *', 'UTC', 0, from)).toBeUndefined();
  });

  it('refuses one as long as an interval, saying the shortest', () => {
    expect(jitterProblem('* * * * *', 'UTC', 60_000, from)).toMatch(
      /^expected less than the schedule's shortest interval \(60000 ms between two of its instants\)/,
    );
    // 09:00 and 10:00 are an hour apart, though 10:00 and the next 09:00 are 23 h.
    expect(jitterProblem('0 9,10 * * *', 'UTC', 3_600_000, from)).toMatch(/\(3600000 ms/);
    expect(jitterProblem('*/10 * * * * *', 'UTC', 60_000, from)).toMatch(/\(10000 ms/);
  });
});
