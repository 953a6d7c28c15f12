import { InvalidArgumentError } from '@commander-js/extra-typings';

/** An option parser for a whole number above zero, with a message that says so. */
export function positiveInt(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${option} expects a whole number above 0, got "${value}".`);
    }
    return n;
  };
}

/** Parses a JSON option, or explains what was wrong with it. */
export function jsonValue(option: string): (value: string) => unknown {
  return (value) => {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidArgumentError(
        `${option} is not valid JSON (${reason}): expected a JSON object or array.`,
      );
    }
  };
}

export function booleanValue(option: string): (value: string) => boolean {
  return (value) => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new InvalidArgumentError(`${option} expects true or false, got "${value}".`);
  };
}

/**
 * Plain decimal numbers pass through as numbers, anything else as text, so the
 * domain schema reports it (`0x0A` or `1e1` is not read as 10).
 */
export function numberOrText(value: string): number | string {
  return /^-?\d{1,16}(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * `--header "Name: value"`, repeatable: each adds one header to the ones before it. The
 * name and value are checked by the task's own validation, as the API checks them.
 */
export function headerValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = value.indexOf(':');
  if (colon <= 0) {
    throw new InvalidArgumentError(`--header expects "Name: value", got "${value.slice(0, 64)}".`);
  }
  return { ...previous, [value.slice(0, colon).trim()]: value.slice(colon + 1).trimStart() };
}
