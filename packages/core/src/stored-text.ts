import type { z } from 'zod';

/** How deep a payload may nest (Discord's embeds need about 4). */
export const MAX_PAYLOAD_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL cannot store this text, if it cannot: its text and jsonb
 * types refuse a NUL character, and UTF-8 has no form for half a surrogate pair.
 */
export function unstorableText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000): expected text without it';
  if (LONE_SURROGATE.test(value)) {
    return 'contains half of a UTF-16 surrogate pair: expected valid Unicode text';
  }
  return undefined;
}

/** The text with what PostgreSQL cannot store (see unstorableText) replaced by U+FFFD, for text we record rather than validate. */
export function toStorableText(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

/** A Zod refinement: refuses text that cannot be stored, saying why. */
export function storableText(value: string, ctx: z.RefinementCtx<string>): void {
  const problem = unstorableText(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/**
 * What in a parsed JSON payload cannot be stored as it came, if anything, and where:
 * nesting deeper than MAX_PAYLOAD_DEPTH, a string or key PostgreSQL refuses, a
 * number too large for JSON (`1e400` parses as Infinity, which would become null), or a
 * whole number past 2^53, which JavaScript cannot hold exactly.
 * Walks with its own stack, so no payload can exhaust the call stack.
 */
export function payloadContentProblem(payload: object): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: payload, path: '$', depth: 1 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) return `the text at ${path} ${problem}`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `the number at ${path} is out of range: expected a finite number`;
      // 123456789012345678901 reads as 123456789012345680000: a snowflake id would go out wrong.
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        return `the number at ${path} is too large to keep exactly: expected at most ${Number.MAX_SAFE_INTEGER}, or the digits as a string`;
      }
    } else if (typeof value === 'object' && value !== null) {
      if (depth > MAX_PAYLOAD_DEPTH) {
        return `the payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels at ${path}: expected at most ${MAX_PAYLOAD_DEPTH}`;
      }
      if (Array.isArray(value)) {
        value.forEach((item, index) =>
          stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }),
        );
        continue;
      }
      for (const [key, item] of Object.entries(value)) {
        const keyPath = `${path}${member(key)}`;
        const problem = unstorableText(key);
        if (problem) return `the key at ${keyPath} ${problem}`;
        stack.push({ value: item, path: keyPath, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** `.name`, or `["any key"]` shortened, for a message. */
function member(key: string): string {
  if (/^[A-Za-z_$][\w$]{0,39}$/.test(key)) return `.${key}`;
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return `[${JSON.stringify(shown)}]`;
}
