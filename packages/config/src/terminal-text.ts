/**
 * Characters a terminal acts on instead of showing: C0 controls (ESC starts the
 * sequences that clear the screen, colour text or set the window title; CR and
 * LF can fake a line), DEL, C1 controls (U+009B is a one-character CSI on some
 * terminals), the Unicode line and paragraph separators, and the bidirectional
 * marks and overrides that make text read in another order than it is stored.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text that came from a user or a webhook (a task's name, a webhook's answer),
 * as it may be printed on a terminal: every character a terminal would act on
 * is shown as its escape (`\x1b`, `\n`, `\u202e`), so a task named
 * "\u001b[2J…" cannot clear the screen and "…\nfake line" cannot print a line
 * of its own. Use it on each value put into human-readable output; `--json`
 * output needs none of it (JSON escapes what it must, and scripts want the value).
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * A whole block of human-readable output, made safe the same way but keeping its
 * line breaks: a last guard for values that were put in unescaped.
 */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escape);
}
