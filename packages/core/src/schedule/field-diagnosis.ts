import { InvalidScheduleError } from './invalid-schedule-error';
import { type FieldSpec, rangeText } from './schedule-fields';

/**
 * Phrases what is wrong with one cron field, for an expression croner has already refused.
 * croner stays the parser that decides; its own messages ("Invalid value for day: -1", with
 * 0-based internal values) are not fit to show a user, so this walks the field the way croner
 * reads it and names the field, the value and the accepted range. Returns undefined when it
 * finds nothing to say, and the caller falls back to a general message.
 */
export function diagnoseField(spec: FieldSpec, text: string): InvalidScheduleError | undefined {
  if (spec.id === 'dayOfWeek' && text.startsWith('+')) {
    return problem(
      spec,
      text,
      `Unsupported '+' in ${spec.label} ('${text}'): when both day of month and day of week are restricted, either matching is enough, so expected no '+' before the days.`,
      'no + modifier',
    );
  }
  for (const item of text.split(',')) {
    const found = diagnoseItem(spec, item, text);
    if (found) return found;
  }
  return undefined;
}

function diagnoseItem(spec: FieldSpec, item: string, fieldText: string): InvalidScheduleError | undefined {
  if (item === '') {
    return problem(
      spec,
      fieldText,
      `Empty value in ${spec.label} ('${fieldText}'): expected ${rangeText(spec)}, separated by single commas.`,
      rangeText(spec),
    );
  }
  const misplaced = misplacedModifier(spec, item);
  if (misplaced) return misplaced;

  const slash = item.split('/');
  if (slash.length > 2) return invalidValue(spec, item);
  const [base = '', step] = slash;
  if (step !== undefined) {
    const stepProblem = diagnoseStep(spec, item, base, step);
    if (stepProblem) return stepProblem;
  }
  if (base === '*' || base === '?') return undefined;

  const core = stripDayModifier(spec, base, item);
  if (core instanceof InvalidScheduleError) return core;
  if (core === undefined) return undefined;

  const bounds = core.split('-');
  if (bounds.length === 1) return checkValue(spec, core, 'start').problem;
  if (bounds.length !== 2) return invalidValue(spec, item);
  const [lowText = '', highText = ''] = bounds;
  if (lowText === '' || highText === '') return invalidValue(spec, item);
  const low = checkValue(spec, lowText, 'start');
  if (low.problem) return low.problem;
  const high = checkValue(spec, highText, 'end');
  if (high.problem) return high.problem;
  if (low.value !== undefined && high.value !== undefined && low.value > high.value) {
    return problem(
      spec,
      item,
      `Invalid range '${item}' in ${spec.label}: its start is greater than its end; expected low-high with ${rangeText(spec)}.`,
      `low-high with ${rangeText(spec)}`,
    );
  }
  return undefined;
}

/** `W` belongs to day of month, `#` to day of week, `L` to those two. */
function misplacedModifier(spec: FieldSpec, item: string): InvalidScheduleError | undefined {
  if (item.includes('#') && spec.id !== 'dayOfWeek') {
    return modifierProblem(spec, item, `'#' (nth weekday) is only allowed in day of week, as in 'MON#2'`);
  }
  if (/^\d+W$/i.test(item) && spec.id !== 'dayOfMonth') {
    return modifierProblem(spec, item, `'W' (nearest weekday) is only allowed in day of month, as in '15W'`);
  }
  if (/^\d*L$/i.test(item) && spec.id !== 'dayOfMonth' && spec.id !== 'dayOfWeek') {
    return modifierProblem(
      spec,
      item,
      `'L' (last) is only allowed in day of month and day of week, as in 'L' or 'FRIL'`,
    );
  }
  return undefined;
}

function diagnoseStep(
  spec: FieldSpec,
  item: string,
  base: string,
  step: string,
): InvalidScheduleError | undefined {
  const stepRange = `a step in the range 1-${spec.maxStep}`;
  if (!/^\d+$/.test(step)) {
    return problem(
      spec,
      item,
      `Invalid step '${step}' in ${spec.label} ('${item}'): expected ${stepRange}.`,
      stepRange,
    );
  }
  const size = Number(step);
  if (size < 1 || size > spec.maxStep) {
    const which = size < 1 ? 'Too small' : 'Too large';
    return problem(
      spec,
      item,
      `${which} step '${step}' in ${spec.label} ('${item}'): expected ${stepRange}.`,
      stepRange,
    );
  }
  if (/W/i.test(base) && spec.id === 'dayOfMonth') {
    return modifierProblem(spec, item, `'W' (nearest weekday) applies to a single day, as in '15W'`);
  }
  if (base !== '*' && base !== '?' && !base.includes('-')) {
    const expected = `a step after '*' or a range, as in '*/${step}' or '${spec.min}-${spec.max}/${step}'`;
    return problem(spec, item, `Invalid step '${item}' in ${spec.label}: expected ${expected}.`, expected);
  }
  return undefined;
}

/**
 * Removes the day modifiers croner accepts (`L`, `LW`, `15W` in day of month; `5#2`, `5#L`,
 * `5L` in day of week) and returns what is left to check as a number or a range. Undefined
 * means nothing is left to check.
 */
function stripDayModifier(
  spec: FieldSpec,
  base: string,
  item: string,
): string | InvalidScheduleError | undefined {
  if (spec.id === 'dayOfMonth') {
    const upper = base.toUpperCase();
    if (upper === 'L' || upper === 'LW') return undefined;
    if (upper.includes('L')) {
      return modifierProblem(spec, item, `'L' (last day of the month) stands alone, as in 'L' or 'LW'`);
    }
    if (upper.includes('W')) {
      if (!/^[^-]+W$/.test(upper)) {
        return modifierProblem(spec, item, `'W' (nearest weekday) applies to a single day, as in '15W'`);
      }
      return base.slice(0, -1);
    }
    return base;
  }
  if (spec.id === 'dayOfWeek') {
    const hash = base.indexOf('#');
    if (hash >= 0) {
      const nth = base.slice(hash + 1);
      if (!/^([1-5]|L)$/i.test(nth)) {
        const expected = 'an nth weekday in the range 1-5 or L (last)';
        const which = /^\d+$/.test(nth) ? (Number(nth) < 1 ? 'Too small' : 'Too large') : 'Invalid';
        return problem(
          spec,
          item,
          `${which} nth weekday '${nth}' in ${spec.label} ('${item}'): expected ${expected}.`,
          expected,
        );
      }
      return base.slice(0, hash);
    }
    if (/L$/i.test(base)) {
      const day = base.slice(0, -1);
      if (day === '') {
        return modifierProblem(
          spec,
          item,
          `'L' follows a weekday, as in '5L' or 'FRIL' (last Friday of the month)`,
        );
      }
      return day;
    }
  }
  return base;
}

/** Checks one number or name. `end` matters for day of week, where SUN ends a range as 7. */
function checkValue(
  spec: FieldSpec,
  text: string,
  position: 'start' | 'end',
): { value?: number; problem?: InvalidScheduleError } {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      const which = value < spec.min ? 'Too small' : 'Too large';
      return {
        problem: problem(
          spec,
          text,
          `${which} value '${text}' in ${spec.label}: expected ${rangeText(spec)}.`,
          rangeText(spec),
        ),
      };
    }
    return { value };
  }
  const named = spec.names?.values[text.toLowerCase()];
  if (named !== undefined) {
    return { value: spec.id === 'dayOfWeek' && position === 'end' && named === 0 ? 7 : named };
  }
  return { problem: invalidValue(spec, text) };
}

function invalidValue(spec: FieldSpec, text: string): InvalidScheduleError {
  const expected = spec.names ? `${rangeText(spec)} or names ${spec.names.hint}` : rangeText(spec);
  return problem(spec, text, `Invalid value '${text}' in ${spec.label}: expected ${expected}.`, expected);
}

function modifierProblem(spec: FieldSpec, item: string, rule: string): InvalidScheduleError {
  return problem(spec, item, `Invalid value '${item}' in ${spec.label}: ${rule}.`, rule);
}

function problem(spec: FieldSpec, value: string, message: string, expected: string): InvalidScheduleError {
  return new InvalidScheduleError(message, { field: spec.label, value, expected });
}
