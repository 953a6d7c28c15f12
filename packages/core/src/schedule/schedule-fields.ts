/** The cron fields in the order croner reads a 6-field pattern (seconds first). */
export interface FieldSpec {
  readonly id: 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';
  /** The field's name in error messages. */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** The largest step croner accepts after `*` or a range: the number of values in the field. */
  readonly maxStep: number;
  /** Names accepted in place of numbers (lower case), with the hint shown in messages. */
  readonly names?: { readonly values: Readonly<Record<string, number>>; readonly hint: string };
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export const SECONDS_FIELD: FieldSpec = { id: 'second', label: 'seconds', min: 0, max: 59, maxStep: 60 };

export const CRON_FIELDS: readonly FieldSpec[] = [
  { id: 'minute', label: 'minutes', min: 0, max: 59, maxStep: 60 },
  { id: 'hour', label: 'hours', min: 0, max: 23, maxStep: 24 },
  { id: 'dayOfMonth', label: 'day of month', min: 1, max: 31, maxStep: 31 },
  {
    id: 'month',
    label: 'month',
    min: 1,
    max: 12,
    maxStep: 12,
    names: { values: Object.fromEntries(MONTH_NAMES.map((name, i) => [name, i + 1])), hint: 'JAN-DEC' },
  },
  {
    id: 'dayOfWeek',
    label: 'day of week',
    // 0 and 7 are both Sunday.
    min: 0,
    max: 7,
    maxStep: 7,
    names: { values: Object.fromEntries(DAY_NAMES.map((name, i) => [name, i])), hint: 'SUN-SAT' },
  },
];

/** The specs for the fields of a 5- or 6-field expression, in order. */
export function fieldSpecsFor(fieldCount: 5 | 6): readonly FieldSpec[] {
  return fieldCount === 6 ? [SECONDS_FIELD, ...CRON_FIELDS] : CRON_FIELDS;
}

export function rangeText(spec: FieldSpec): string {
  return `values in the range ${spec.min}-${spec.max}`;
}
