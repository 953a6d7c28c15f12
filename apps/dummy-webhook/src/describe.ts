/**
 * The start-up line's summary of the behaviour, e.g.
 * `fails on requests 7,11; latency 100-500 ms`.
 */
export function describeDummyWebhook(
  failOn: readonly number[],
  latencyMs: { min: number; max: number },
): string {
  const failures =
    failOn.length === 0
      ? 'fails on no request'
      : `fails on request${failOn.length === 1 ? '' : 's'} ${failOn.join(',')}`;
  const { min, max } = latencyMs;
  const latency = max === 0 ? 'no latency' : min === max ? `latency ${min} ms` : `latency ${min}-${max} ms`;
  return `${failures}; ${latency}`;
}
