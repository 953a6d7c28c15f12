import { describe, expect, it } from 'vitest';
import { payloadProblem } from './task-form-model';

const known =
  'scheduled_for, scheduled_for_unix, scheduled_for_local, task_id, task_name, run_id, attempt, trigger';

describe('payloadProblem: placeholders checked as the API checks them', () => {
  it.each([
    ['known names', '{"content": "{{task_name}} <t:{{scheduled_for_unix}}:R>"}', undefined],
    [
      'an unknown name',
      '{"content": "{{user}}"}',
      `json_payload.content: {{user}} is not a known placeholder: expected one of ${known}.`,
    ],
    [
      'an unclosed one',
      '{"embeds": [{"title": "{{task_name"}]}',
      `json_payload.embeds[0].title: "{{task_name" is not closed: expected {{name}} with one of ${known}.`,
    ],
  ])('%s', (_what, text, expected) => {
    expect(payloadProblem(text)).toBe(expected);
  });
});
