import type { Punctuality } from '../../app/api-types';

/** A lateness in words: ms under a second, then seconds, then minutes. */
export function lateness(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** The task page's line on punctuality: how late its scheduled runs were sent. */
export function describePunctuality(punctuality: Punctuality): string {
  const { runs, lateness_p50_ms: p50, lateness_p99_ms: p99, skipped } = punctuality;
  const skippedText = skipped > 0 ? `; ${skipped} skipped` : '';
  if (p50 === null || p99 === null) {
    return runs === 0 ? 'No scheduled run yet' : `No scheduled run has sent a request yet${skippedText}`;
  }
  const over = `over its last ${runs} scheduled ${runs === 1 ? 'run' : 'runs'}`;
  return `Sent ${lateness(p50)} after due (median), ${lateness(p99)} at the 99th percentile, ${over}${skippedText}`;
}
