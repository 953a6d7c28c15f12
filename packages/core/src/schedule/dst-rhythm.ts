/**
 * SPEC §4 sorts schedules in two for DST:
 * - a schedule that runs hourly or more often keeps its real-time rhythm: a local time skipped
 *   by spring-forward does not exist, and both passes of a repeated autumn hour fire;
 * - any other schedule names fixed hours: a skipped local time fires once, at the first valid
 *   instant after the gap, and a repeated one fires once, at its first occurrence.
 *
 * croner implements both behaviours and, with `fixedTimeRule: 'no-wildcard'`, picks one from
 * the text: a `*` or a step in seconds, minutes or hours makes an interval schedule. For seconds
 * and minutes that is the SPEC's line (and Vixie cron's). For hours it is not:
 * - `0 *\/2 * * *` has a step but fixed hours (every other hour is not "hourly or more
 *   often"), so 02:00 skipped in spring must fire at 03:00, not vanish;
 * - `0 0-23 * * *` has no wildcard but runs hourly, so it must fire in both 01:00s.
 *
 * So the hour field is rewritten from croner's own reading of it (never parsed here): when it
 * covers all 24 hours it becomes `*`; when a wildcard or step covers fewer, it becomes the
 * explicit list of those hours. The hours matched are the same; only the DST class changes.
 */
export function withDstRhythm(
  fields: readonly string[],
  hourIndex: number,
  hourSet: readonly number[],
): string {
  const hourField = fields[hourIndex];
  if (hourField === undefined) return fields.join(' ');
  const hours = hourSet.flatMap((matched, hour) => (matched ? [hour] : []));
  let rewritten = hourField;
  if (hours.length === 24) rewritten = '*';
  else if (/[*?/]/.test(hourField)) rewritten = hours.join(',');
  return fields.map((field, index) => (index === hourIndex ? rewritten : field)).join(' ');
}
