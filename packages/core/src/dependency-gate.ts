import type { RunStatus } from './runs';

/** A dependency as the gate sees it: its latest run's status, null when it has never run. */
export interface DependencyState {
  id: string;
  task_name: string;
  latest: RunStatus | null;
}

/** How long a run waits for dependencies in flight before it is skipped (SPEC §13 DEPENDENCY_WAIT_MS). */
export const DEFAULT_DEPENDENCY_WAIT_MS = 600_000;

export type GateDecision =
  /** Every dependency's latest run ended `finish`: deliver. */
  | { kind: 'open' }
  /** A dependency's run is in flight: wait and look again. */
  | { kind: 'wait'; on: DependencyState }
  /** A dependency did not finish (or never ran, or outlasted the wait): the run ends `skipped`. */
  | { kind: 'skip'; message: string };

const named = (dependency: Pick<DependencyState, 'id' | 'task_name'>) =>
  `"${dependency.task_name}" (${dependency.id})`;

/**
 * What a run waiting for a dependency says when that dependency is deleted (SPEC §13): it
 * goes on as if the dependency were gone, and its message (kept when it ends) names it.
 */
export function dependencyDeletedNote(dependency: Pick<DependencyState, 'id' | 'task_name'>): string {
  return `DEPENDENCY_DELETED: ${named(dependency)} was deleted while this run waited for it; the run went on without it`;
}

/**
 * Why a chained task (no schedule, no run_at) was disabled when its only dependency was
 * deleted: nothing would ever run it again.
 */
export function strandedChainReason(dependency: Pick<DependencyState, 'id' | 'task_name'>): string {
  return `DEPENDENCY_DELETED: ${named(dependency)}, the only task it ran after, was deleted, and it has no schedule: give it depends_on, a task_schedule or a run_at, then enable it`;
}

/**
 * SPEC §13's gate, for a run (any trigger but `manual`) of a task with dependencies, which
 * has waited `waitedMs` so far: the latest run of each dependency must have ended `finish`.
 */
export function gateDecision(
  dependencies: readonly DependencyState[],
  waitedMs: number,
  waitLimitMs = DEFAULT_DEPENDENCY_WAIT_MS,
): GateDecision {
  // Every dependency that stopped it is named, not only the first.
  const stopped = dependencies.filter(
    (d) => d.latest !== 'finish' && d.latest !== 'queued' && d.latest !== 'running',
  );
  if (stopped.length > 0) {
    const why = (d: DependencyState) =>
      `${named(d)} ${d.latest === null ? 'has never run' : `its latest run ended ${d.latest}`}`;
    return {
      kind: 'skip',
      message: `DEPENDENCY_FAILED: ${stopped.map(why).join('; ')}; no request was made`,
    };
  }
  const inFlight = dependencies.find((d) => d.latest === 'queued' || d.latest === 'running');
  if (!inFlight) return { kind: 'open' };
  if (waitedMs >= waitLimitMs) {
    return {
      kind: 'skip',
      message: `DEPENDENCY_FAILED: ${named(inFlight)} was still ${inFlight.latest} after ${waitLimitMs} ms; no request was made`,
    };
  }
  return { kind: 'wait', on: inFlight };
}

/** The dependency a run's message names: the one that stopped it, or one deleted while it waited. */
export interface NamedDependency {
  kind: 'failed' | 'deleted';
  id: string;
  task_name: string;
}

const NAMING = /^DEPENDENCY_(FAILED|DELETED): /i;
/** A dependency as `named` writes it; a message of the gate may name several. */
const NAMED = /"(.*?)" \(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

/**
 * The dependencies a run's message names, as gateDecision and dependencyDeletedNote write them
 * (a run's end keeps a note after its own message, joined by " — "): for the dashboard to link them.
 */
export function dependenciesNamedIn(message: string | null): NamedDependency[] {
  if (!message) return [];
  return message.split(' — ').flatMap((part) => {
    const naming = NAMING.exec(part);
    if (!naming) return [];
    const kind = naming[1]!.toUpperCase() === 'FAILED' ? 'failed' : 'deleted';
    return [...part.matchAll(NAMED)].map((match) => ({ kind, task_name: match[1]!, id: match[2]! }));
  });
}
