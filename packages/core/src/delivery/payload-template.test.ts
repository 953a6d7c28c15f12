import { describe, expect, it } from 'vitest';
import {
  hasPlaceholders,
  localIsoString,
  renderPayload,
  templatePlaceholders,
  templateProblems,
  templateValues,
} from './payload-template';

const context = {
  scheduledFor: new Date('2026-03-29T01:30:00.000Z'),
  timezone: 'Europe/Berlin',
  taskId: '0b5e7a3c-1111-4222-8333-444455556666',
  taskName: 'Nightly report',
  runId: '9f1c2d3e-aaaa-4bbb-8ccc-ddddeeeeffff',
  attempt: 2,
  trigger: 'schedule' as const,
};
const values = templateValues(context);

describe('templateValues', () => {
  it('gives every placeholder of SPEC §14 its text', () => {
    expect(values).toEqual({
      scheduled_for: '2026-03-29T01:30:00.000Z',
      scheduled_for_unix: '1774747800',
      // Berlin moved to summer time at 01:00 UTC that day.
      scheduled_for_local: '2026-03-29T03:30:00+02:00',
      task_id: context.taskId,
      task_name: 'Nightly report',
      run_id: context.runId,
      attempt: '2',
      trigger: 'schedule',
    });
    expect(Object.keys(values)).toEqual([...templatePlaceholders]);
  });
});

describe('localIsoString', () => {
  it.each([
    ['2026-01-15T12:00:00.000Z', 'UTC', '2026-01-15T12:00:00Z'],
    ['2026-01-15T12:00:00.000Z', 'Europe/Berlin', '2026-01-15T13:00:00+01:00'],
    ['2026-07-15T12:00:00.000Z', 'Europe/Berlin', '2026-07-15T14:00:00+02:00'],
    ['2026-07-15T12:00:00.000Z', 'America/New_York', '2026-07-15T08:00:00-04:00'],
    ['2026-01-15T12:00:00.000Z', 'Asia/Kolkata', '2026-01-15T17:30:00+05:30'],
    ['2026-01-15T12:00:00.000Z', 'Asia/Kathmandu', '2026-01-15T17:45:00+05:45'],
    ['2026-01-15T12:00:00.000Z', 'Europe/London', '2026-01-15T12:00:00+00:00'],
    ['2026-12-31T23:30:00.250Z', 'Pacific/Kiritimati', '2027-01-01T13:30:00.250+14:00'],
    // The autumn hour that happens twice: each instant keeps its own offset.
    ['2026-10-25T00:30:00.000Z', 'Europe/Berlin', '2026-10-25T02:30:00+02:00'],
    ['2026-10-25T01:30:00.000Z', 'Europe/Berlin', '2026-10-25T02:30:00+01:00'],
  ])('%s in %s: %s', (instant, timezone, expected) => {
    expect(localIsoString(new Date(instant), timezone)).toBe(expected);
  });
});

describe('renderPayload', () => {
  it.each([
    ['one placeholder', '{{task_name}}', 'Nightly report'],
    ['spaces inside the braces', '{{ task_name }}', 'Nightly report'],
    ['several in one string', 'run {{run_id}} try {{attempt}}', `run ${context.runId} try 2`],
    ['a Discord relative time', '<t:{{scheduled_for_unix}}:R>', '<t:1774747800:R>'],
    ['the same twice', '{{trigger}}/{{trigger}}', 'schedule/schedule'],
    ['no placeholder', 'plain text', 'plain text'],
    ['a lone brace pair', 'a {b} c', 'a {b} c'],
    [
      'an unknown name (stored before checks): as written',
      '{{nope}} {{task_id}}',
      `{{nope}} ${context.taskId}`,
    ],
    ['an unclosed one: as written', '{{task_name', '{{task_name'],
  ])('%s', (_name, text, expected) => {
    expect(renderPayload({ text }, values)).toEqual({ text: expected });
  });

  it('renders nested strings, keeps keys, numbers and order', () => {
    const payload = {
      z: '{{task_id}}',
      '{{task_name}}': 1,
      embeds: [
        { title: '{{task_name}}', fields: [{ name: 'at', value: '{{scheduled_for_local}}' }], color: 5 },
      ],
      flag: true,
      none: null,
    };
    const rendered = renderPayload(payload, values);
    expect(rendered).toEqual({
      z: context.taskId,
      '{{task_name}}': 1,
      embeds: [
        { title: 'Nightly report', fields: [{ name: 'at', value: '2026-03-29T03:30:00+02:00' }], color: 5 },
      ],
      flag: true,
      none: null,
    });
    expect(Object.keys(rendered)).toEqual(Object.keys(payload));
    expect(payload.embeds[0]?.title).toBe('{{task_name}}');
  });

  it('renders an array payload', () => {
    expect(renderPayload(['{{attempt}}', 3], values)).toEqual(['2', 3]);
  });
});

describe('templateProblems', () => {
  it('takes every known name and text without placeholders', () => {
    const payload = Object.fromEntries(templatePlaceholders.map((name) => [name, `x {{${name}}} y`]));
    expect(templateProblems({ ...payload, n: 1, plain: 'a } b { c' })).toEqual([]);
  });

  const known =
    'scheduled_for, scheduled_for_unix, scheduled_for_local, task_id, task_name, run_id, attempt, trigger';
  it.each([
    [
      'an unknown name',
      { content: 'Hi {{user}}' },
      [
        {
          path: 'json_payload.content',
          message: `{{user}} is not a known placeholder: expected one of ${known}`,
        },
      ],
    ],
    [
      'a name in another case',
      { embeds: [{ title: '{{Task_Name}}' }] },
      [
        {
          path: 'json_payload.embeds[0].title',
          message: `{{Task_Name}} is not a known placeholder: expected one of ${known}`,
        },
      ],
    ],
    [
      'an empty name',
      ['{{}}'],
      [{ path: 'json_payload[0]', message: `{{}} is not a known placeholder: expected one of ${known}` }],
    ],
    [
      'an unclosed placeholder',
      { text: 'at {{task_name' },
      [
        {
          path: 'json_payload.text',
          message: `"{{task_name" is not closed: expected {{name}} with one of ${known}`,
        },
      ],
    ],
    [
      'an odd key',
      { 'a b': 'x {{run_id}} {{when}}' },
      [
        {
          path: 'json_payload["a b"]',
          message: `{{when}} is not a known placeholder: expected one of ${known}`,
        },
      ],
    ],
  ])('%s', (_name, payload, expected) => {
    expect(templateProblems(payload)).toEqual(expected);
  });
});

describe('hasPlaceholders', () => {
  it.each([
    [{ content: 'plain' }, false],
    [{ embeds: [{ title: 'x', fields: [{ value: 'due {{scheduled_for}}' }] }] }, true],
    [['a', 'b{{'], true],
    [{ n: 1, ok: true, none: null }, false],
    ['{{task_name}}', true],
  ])('%j: %s', (payload, expected) => {
    expect(hasPlaceholders(payload)).toBe(expected);
  });
});
