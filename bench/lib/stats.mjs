// Small statistics helpers: nearest-rank percentiles and the lateness summary
// every scenario reports (first arrival, p50, p99, max, in milliseconds).

/** Nearest-rank percentile of an ascending array; NaN when it is empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function round(value, digits = 1) {
  if (!Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Lateness summary. `first_ms` is the lateness of the earliest arrival (for a
 * burst: when the first webhook of the burst landed; for a repeating task: its
 * first fire), the rest are over every arrival.
 */
export function latenessSummary(latenesses, firstLateness = Math.min(...latenesses)) {
  const sorted = [...latenesses].sort((a, b) => a - b);
  return {
    arrived: sorted.length,
    first_ms: sorted.length ? round(firstLateness) : null,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Deliveries per second, rounded to a whole number. */
export function perSecond(count, ms) {
  return ms > 0 ? Math.round((count * 1000) / ms) : null;
}

/** The next whole second at least `marginMs` from now. */
export function dueInstant(marginMs) {
  return new Date(Math.ceil((Date.now() + marginMs) / 1000) * 1000);
}
