/** The largest `jitter_ms` a task may have: one hour (SPEC §13). */
export const MAX_JITTER_MS = 3_600_000;

/**
 * SPEC §13: the offset in [0, jitterMs] at which the run of `taskId` for the nominal
 * instant `nominal` comes due. Pseudo-random across tasks and instants (so tasks that
 * share a schedule spread out), yet a pure function of its arguments: every publisher,
 * before and after a restart, and the dashboard's preview, find the same offset.
 */
export function jitterOffsetMs(taskId: string, nominal: Date, jitterMs: number): number {
  if (!(jitterMs > 0)) return 0;
  const span = Math.floor(jitterMs) + 1;
  return hash53(`${taskId}\n${nominal.getTime()}`) % span;
}

/** When the run for `nominal` comes due: the nominal instant plus its offset. */
export function jitteredInstant(taskId: string, nominal: Date, jitterMs: number): Date {
  return new Date(nominal.getTime() + jitterOffsetMs(taskId, nominal, jitterMs));
}

/**
 * cyrb53: a fast, well-mixed 53-bit string hash. Not for secrets: only to spread
 * instants evenly, the same way on every host (no node:crypto, as the dashboard uses it too).
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
