import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, payloadContentProblem, toStorableText, unstorableText } from './stored-text';

const nested = (depth: number): unknown => (depth === 1 ? [] : [nested(depth - 1)]);

describe('unstorableText', () => {
  it.each<[string, string, RegExp | undefined]>([
    ['plain text', 'hello', undefined],
    ['emoji (a whole surrogate pair)', 'ok 👍', undefined],
    ['a NUL', 'a\u0000b', /NUL character/],
    ['a lone high surrogate', 'x\ud800', /half of a UTF-16 surrogate pair/],
    ['a lone low surrogate', '\udc00x', /half of a UTF-16 surrogate pair/],
    ['a pair in the wrong order', '\udc00\ud800', /surrogate/],
  ])('%s', (_name, text, problem) => {
    const found = unstorableText(text);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe('toStorableText', () => {
  it.each([
    ['ok\u0000!', 'ok\uFFFD!'],
    ['a\ud800b', 'a\uFFFDb'],
    ['keeps 👍 and ünïcödé', 'keeps 👍 and ünïcödé'],
  ])('%j becomes %j', (text, stored) => {
    expect(toStorableText(text)).toBe(stored);
    expect(unstorableText(toStorableText(text))).toBeUndefined();
  });
});

describe('payloadContentProblem', () => {
  it.each<[string, object, RegExp | undefined]>([
    [
      'a Discord message',
      { content: 'hi', embeds: [{ title: 't', fields: [{ name: 'a', value: 'b' }] }] },
      undefined,
    ],
    [`nesting of exactly ${MAX_PAYLOAD_DEPTH}`, nested(MAX_PAYLOAD_DEPTH) as object, undefined],
    [
      `nesting of ${MAX_PAYLOAD_DEPTH + 1}`,
      nested(MAX_PAYLOAD_DEPTH + 1) as object,
      /nests deeper than 64 levels at \$(\[0\]){64}: expected at most 64/,
    ],
    [
      'a NUL in a nested string',
      { embeds: [{ title: 'a\u0000' }] },
      /the text at \$\.embeds\[0\]\.title contains a NUL/,
    ],
    ['a NUL in a key', { 'bad\u0000key': 1 }, /the key at \$\["bad\\u0000key"\] contains a NUL/],
    ['a long odd key, shortened', { [`${'k'.repeat(50)}-\u0000`]: 1 }, /\$\["k{40}…"\]/],
    ['Infinity (1e400 once parsed)', { n: [1, Infinity] }, /the number at \$\.n\[1\] is out of range/],
    [
      'a Discord snowflake as a number',
      { users: [Number('123456789012345678')] },
      /the number at \$\.users\[0\] is too large to keep exactly/,
    ],
    ['the largest safe whole number', { n: Number.MAX_SAFE_INTEGER, f: 1.5e-300 }, undefined],
  ])('%s', (_name, payload, problem) => {
    const found = payloadContentProblem(payload);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });

  it('walks 100,000 levels without exhausting the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as object;
    expect(payloadContentProblem(deep)).toMatch(/nests deeper than 64/);
  });
});
