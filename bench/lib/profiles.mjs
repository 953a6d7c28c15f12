// How big each part of a run is. `full` is `npm run bench`; `quick` must stay
// under five minutes (10,000-task burst and both peers included); `smoke` is
// the tiny load the test suite runs so the harness cannot rot.
export const PROFILES = {
  full: {
    ladderN: 100_000,
    singleFires: 65,
    bursts: [100, 10_000],
    tickSizes: [1_000, 10_000, 100_000, 1_000_000],
    tickDues: [0, 100, 10_000],
    tickReps: 9,
    pgStatsWaitMs: 11_000,
  },
  quick: {
    ladderN: 10_000,
    singleFires: 10,
    bursts: [100, 10_000],
    tickSizes: [1_000, 10_000, 100_000],
    tickDues: [0, 100, 10_000],
    tickReps: 5,
    pgStatsWaitMs: 11_000,
  },
  smoke: {
    // Few deliveries in flight: the suite runs beside other tests, and the
    // worker's database pool grows with its concurrency.
    concurrency: 8,
    ladderN: 200,
    singleFires: 2,
    bursts: [20],
    tickSizes: [1_000],
    tickDues: [0, 100],
    tickReps: 3,
    // PostgreSQL statistics without waiting for idle backends to publish them: partial, but quick.
    pgStatsWaitMs: 0,
  },
};

/** Deliveries in flight, the same for L0, L1, L2 and the peers (unless a profile says otherwise). */
export const DEFAULT_CONCURRENCY = 64;

export const SECTIONS = ['ladder', 'lateness', 'peers', 'tick'];
