import { describe, expect, it } from 'vitest';
import {
  isSensitiveHeader,
  maskedHeaders,
  maskHeaderValue,
  taskHeaders,
  unmaskedHeaders,
} from './request-options';

const problems = (headers: unknown) => {
  const result = taskHeaders.safeParse(headers);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('taskHeaders', () => {
  it('takes up to 20 token names with one-line string values', () => {
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, `v${i}`]));
    expect(problems(twenty)).toEqual([]);
    expect(problems({ Authorization: 'Bearer abc', 'X-Émoji': 'x' })).toHaveLength(1);
  });

  it.each([
    ['a name that is no token', { 'X Bad': 'v' }, /X Bad: "X Bad" is not a header name/],
    ['a name with a colon', { 'X-A:': 'v' }, /is not a header name/],
    ['Host', { Host: 'evil.example' }, /Host: Host is set by the HTTP client/],
    ['content-length', { 'content-length': '5' }, /set by the HTTP client/],
    ['Transfer-Encoding', { 'Transfer-Encoding': 'chunked' }, /set by the HTTP client/],
    ['Connection', { Connection: 'close' }, /set by the HTTP client/],
    ['webhook-signature', { 'Webhook-Signature': 'v1,x' }, /webhook-\* headers carry the signature/],
    ['a CR/LF in a value', { 'X-A': 'one\r\nX-Injected: yes' }, /X-A: value contains CR or LF/],
    ['a NUL in a value', { 'X-A': 'a\u0000b' }, /control character/],
    ['a value over 2048 characters', { 'X-A': 'x'.repeat(2049) }, /2049 characters: expected at most 2048/],
    ['a number value', { 'X-A': 5 }, /X-A: expected a string value/],
    ['the same name twice in two cases', { 'X-A': '1', 'x-a': '2' }, /x-a is given twice/],
    [
      '21 headers',
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-${i}`, 'v'])),
      /21 headers: expected at most 20/,
    ],
    ['an array', ['X-A'], /expected a JSON object of header names/],
  ])('refuses %s', (_what, headers, expected) => {
    expect(problems(headers).join('\n')).toMatch(expected);
  });
});

describe('masking', () => {
  it.each([
    ['Authorization', true],
    ['cookie', true],
    ['X-Api-Key', true],
    ['X-Access-Token', true],
    ['Client-Secret', true],
    ['X-PASSWORD', true],
    ['Keyboard-Layout', true], // contains "key": masked, as the rule says
    ['X-Team', false],
    ['Content-Type', false],
  ])('%s sensitive: %s', (name, sensitive) => {
    expect(isSensitiveHeader(name)).toBe(sensitive);
  });

  it('masks sensitive values only, keeping the last 4 characters of a long one', () => {
    expect(
      maskedHeaders({ Authorization: 'Bearer abcdefghijkl1234', 'X-Api-Key': 'short', 'X-Team': 'reports' }),
    ).toEqual({ Authorization: '********1234', 'X-Api-Key': '********', 'X-Team': 'reports' });
    expect(maskHeaderValue('s3cr3t')).not.toContain('s3cr3t');
  });

  it('keeps the stored value when its mask is sent back, and takes a new value otherwise', () => {
    const stored = { Authorization: 'Bearer abcdefghijkl1234', 'X-Api-Key': 'old-key', 'X-Team': 'a' };

    expect(
      unmaskedHeaders({ authorization: '********1234', 'X-Api-Key': 'new-key', 'X-Team': 'b' }, stored),
    ).toEqual({ authorization: 'Bearer abcdefghijkl1234', 'X-Api-Key': 'new-key', 'X-Team': 'b' });
    // A mask of a header that was not stored is taken as written.
    expect(unmaskedHeaders({ 'X-Token': '********' }, {})).toEqual({ 'X-Token': '********' });
  });
});
