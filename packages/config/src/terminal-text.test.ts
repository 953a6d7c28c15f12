import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './load-config';
import { terminalSafe, terminalSafeLines } from './terminal-text';

describe('terminalSafe', () => {
  it.each([
    ['plain text, accents and emoji', 'Rapport quotidien é ✓ 🚀', 'Rapport quotidien é ✓ 🚀'],
    ['ESC sequences', '\u001b[2J\u001b[31mred\u001b[0m', '\\x1b[2J\\x1b[31mred\\x1b[0m'],
    ['a title set by OSC, ended by BEL', '\u001b]0;owned\u0007', '\\x1b]0;owned\\x07'],
    ['line breaks and tabs', 'a\r\nb\tc', 'a\\r\\nb\\tc'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\x00b\\x7f'],
    ['the one-character CSI of C1', '\u009b2J', '\\x9b2J'],
    ['bidirectional overrides and isolates', 'abc\u202eevil\u2066x\u2069', 'abc\\u202eevil\\u2066x\\u2069'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
  ])('%s', (_what, text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
  });

  it('keeps the line breaks of a whole block when asked, and only those', () => {
    expect(terminalSafeLines('one\ntwo\r\n\u001b[2Jthree')).toBe('one\ntwo\\r\n\\x1b[2Jthree');
  });
});

describe('the pretty logger', () => {
  it('prints a message quoting hostile text as one line with its escapes shown', () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(path.join(repoRoot, 'packages/config/dist/index.js'))});
      createLogger('t', { logLevel: 'info', logFormat: 'pretty' }).info('delivered "\\u001b[2JPWNED\\nfake line"');`;
    const { FORCE_COLOR: _force, ...env } = process.env; // any FORCE_COLOR, even 0, turns colours on
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...env, NO_COLOR: '1' },
    });

    expect(run.stderr).toBe('');
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/INFO: delivered "\\x1b\[2JPWNED\\nfake line"$/),
    ]);
  });
});
