import cronstrue from 'cronstrue';

/**
 * cronstrue's words for a schedule ("At 09:00, Monday through Friday"), or undefined when it cannot
 * phrase one. Only wording: whether a schedule is valid is the domain parser's call.
 */
export function describeSchedule(expression: string): string | undefined {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return undefined;
  }
}
