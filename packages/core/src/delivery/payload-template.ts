import type { RunTrigger } from '../runs';

/**
 * SPEC §14 payload templates: `{{name}}` in a payload's string values is replaced when
 * the payload is sent. Keys are left as written, and so is anything that is not a string.
 * Spaces inside the braces are allowed (`{{ task_name }}`), as in Mustache.
 */
export const templatePlaceholders = [
  'scheduled_for',
  'scheduled_for_unix',
  'scheduled_for_local',
  'task_id',
  'task_name',
  'run_id',
  'attempt',
  'trigger',
] as const;
export type TemplatePlaceholder = (typeof templatePlaceholders)[number];

/** What one request of one run is rendered with. */
export interface TemplateContext {
  /** The run's due instant (its nominal one, as `scheduled_for` of the run). */
  scheduledFor: Date;
  /** The task's IANA timezone, for `scheduled_for_local`. */
  timezone: string;
  taskId: string;
  taskName: string;
  runId: string;
  /** 1 for a run's first request. */
  attempt: number;
  trigger: RunTrigger;
}

/** One placeholder that cannot be rendered: where (a JSON path) and why. */
export interface TemplateProblem {
  path: string;
  message: string;
}

const OPEN = '{{';
const CLOSE = '}}';
const known = new Set<string>(templatePlaceholders);
const knownList = templatePlaceholders.join(', ');

/** A `{{…}}` of `text`: its name (trimmed) and where it starts and ends; `name` null when never closed. */
interface Token {
  start: number;
  end: number;
  name: string | null;
}

function tokens(text: string): Token[] {
  const found: Token[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(OPEN, from);
    if (start < 0) return found;
    const close = text.indexOf(CLOSE, start + OPEN.length);
    if (close < 0) {
      found.push({ start, end: text.length, name: null });
      return found;
    }
    found.push({ start, end: close + CLOSE.length, name: text.slice(start + OPEN.length, close).trim() });
    from = close + CLOSE.length;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON path in the notation the Discord checks use: `json_payload.embeds[0].title`. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Every placeholder of `payload` that cannot be rendered — an unknown name, or a `{{`
 * never closed — in document order; none for a payload that renders. `root` prefixes
 * the paths.
 */
export function templateProblems(payload: unknown, root = 'json_payload'): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      for (const token of tokens(value)) {
        if (token.name === null) {
          const opened = value.slice(token.start, token.start + 24);
          problems.push({
            path,
            message: `"${opened}${value.length > token.start + 24 ? '…' : ''}" is not closed: expected {{name}} with one of ${knownList}`,
          });
        } else if (!known.has(token.name)) {
          const shown = token.name.length > 40 ? `${token.name.slice(0, 40)}…` : token.name;
          problems.push({
            path,
            message: `{{${shown}}} is not a known placeholder: expected one of ${knownList}`,
          });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, childPath(path, index)));
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, childPath(path, key));
    }
  };
  visit(payload, root);
  return problems;
}

/** Whether any string value of `payload` opens a placeholder: most payloads have none, and are sent as stored. */
export function hasPlaceholders(payload: unknown): boolean {
  if (typeof payload === 'string') return payload.includes(OPEN);
  if (Array.isArray(payload)) return payload.some(hasPlaceholders);
  if (isObject(payload)) return Object.values(payload).some(hasPlaceholders);
  return false;
}

/** The text each placeholder stands for in one request. */
export function templateValues(context: TemplateContext): Record<TemplatePlaceholder, string> {
  return {
    scheduled_for: context.scheduledFor.toISOString(),
    scheduled_for_unix: String(Math.floor(context.scheduledFor.getTime() / 1000)),
    scheduled_for_local: localIsoString(context.scheduledFor, context.timezone),
    task_id: context.taskId,
    task_name: context.taskName,
    run_id: context.runId,
    attempt: String(context.attempt),
    trigger: context.trigger,
  };
}

/**
 * `payload` with every known placeholder in its string values replaced. A placeholder
 * that cannot be rendered (only a payload stored before templates were checked has one)
 * is left as written: the request goes out as the user wrote it.
 */
export function renderPayload<T>(payload: T, values: Readonly<Record<TemplatePlaceholder, string>>): T {
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.includes(OPEN)) return value;
      let out = '';
      let from = 0;
      for (const token of tokens(value)) {
        if (token.name === null || !known.has(token.name)) continue;
        out += value.slice(from, token.start) + values[token.name as TemplatePlaceholder];
        from = token.end;
      }
      return out + value.slice(from);
    }
    if (Array.isArray(value)) return value.map(render);
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, render(item)]));
    }
    return value;
  };
  return render(payload) as T;
}

const localFormats = new Map<string, Intl.DateTimeFormat>();

/** `instant` as ISO 8601 in `timezone`, with its offset: `2026-03-29T03:30:00+02:00` (UTC: `Z`). */
export function localIsoString(instant: Date, timezone: string): string {
  let format = localFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (localFormats.size > 500) localFormats.clear();
    localFormats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMinutes = Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const millis = instant.getUTCMilliseconds();
  const fraction = millis ? `.${String(millis).padStart(3, '0')}` : '';
  const clock = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${fraction}`;
  if (offsetMinutes === 0) return `${clock}${timezone === 'UTC' || timezone === 'Etc/UTC' ? 'Z' : '+00:00'}`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${clock}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
