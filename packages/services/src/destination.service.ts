import {
  destinationKeyInput,
  destinationOf,
  type DestinationKey,
  isDiscordDestination,
  parseDestinationLimits,
  TaskValidationError,
} from '@scheduler/core';
import type { DestinationRepository, DestinationRow } from '@scheduler/db';

/** A destination's live state, as flow control keeps it in Redis. */
export interface DestinationLiveState {
  inFlight: number;
  heldUntil: Date | null;
  heldReason: string | null;
  waiting: number;
  recent429s: number;
}

/** A destination as the API, the CLI and the dashboard show it (SPEC §12). */
export interface DestinationView {
  key: DestinationKey;
  /** The limits in force: stored, or the defaults. */
  max_concurrency: number;
  rate_limit_max: number | null;
  rate_limit_per_seconds: number | null;
  in_flight: number;
  held_until: Date | null;
  held_reason: string | null;
  waiting: number;
  recent_429s: number;
}

export interface DestinationServiceDeps {
  destinations: DestinationRepository;
  /** Reads the live state of these destinations (flow control's Redis). */
  states: (keys: DestinationKey[]) => Promise<Map<DestinationKey, DestinationLiveState>>;
  /** DESTINATION_MAX_CONCURRENCY. */
  defaultMaxConcurrency: number;
  /** Tells the workers that stored limits changed, so they apply at once (best effort). */
  announce?: () => Promise<void>;
}

const IDLE: DestinationLiveState = {
  inFlight: 0,
  heldUntil: null,
  heldReason: null,
  waiting: 0,
  recent429s: 0,
};

/** Destinations: every one a task aims at or that has stored limits, with their limits and state. */
export class DestinationService {
  constructor(private readonly deps: DestinationServiceDeps) {}

  async list(): Promise<DestinationView[]> {
    const [rows, urls] = await Promise.all([
      this.deps.destinations.list(),
      this.deps.destinations.webhookUrls(),
    ]);
    const stored = new Map(rows.map((row) => [row.key, row]));
    const keys = new Set<DestinationKey>(stored.keys());
    for (const url of urls) {
      const key = destinationOf(url);
      if (key) keys.add(key);
    }
    const sorted = [...keys].sort(byKind);
    const states = await this.deps.states(sorted);
    return sorted.map((key) => this.view(key, stored.get(key), states.get(key)));
  }

  /** How many destinations are held now (`scheduler_destinations_held`, SPEC §15). */
  async heldCount(): Promise<number> {
    return (await this.list()).filter((destination) => destination.held_until !== null).length;
  }

  /** Sets some limits of a destination (the key as typed, or URL-decoded); the destination in force. */
  async set(keyText: string, body: unknown): Promise<DestinationView> {
    const key = destinationKeyInput(keyText);
    const limits = parseDestinationLimits(body);
    const current = await this.deps.destinations.find(key);
    const rateMax =
      limits.rate_limit_max === undefined ? (current?.rate_limit_max ?? null) : limits.rate_limit_max;
    const perSeconds =
      limits.rate_limit_per_seconds === undefined
        ? (current?.rate_limit_per_seconds ?? null)
        : limits.rate_limit_per_seconds;
    // A rate is a count per a length of time: one without the other means nothing.
    if ((rateMax === null) !== (perSeconds === null)) {
      const missing = rateMax === null ? 'rate_limit_max' : 'rate_limit_per_seconds';
      const other = missing === 'rate_limit_max' ? 'rate_limit_per_seconds' : 'rate_limit_max';
      const rate = 'a rate is rate_limit_max requests per rate_limit_per_seconds seconds';
      // Cleared here while the other half stays, or given while the other half is unset.
      const message =
        limits[missing] === null
          ? `${rate}, cleared whole: expected ${other}: null as well`
          : `${rate}: expected ${missing} as well (or both null to clear it)`;
      const field = limits[missing] === null ? other : missing;
      throw new TaskValidationError(`${field}: ${message}`, 'VALIDATION_ERROR', { [field]: message });
    }
    const row = await this.deps.destinations.upsert(key, limits);
    await this.deps.announce?.();
    const states = await this.deps.states([key]);
    return this.view(key, row, states.get(key));
  }

  /** Forgets a destination's limits: the defaults apply again. */
  async reset(keyText: string): Promise<void> {
    await this.deps.destinations.delete(destinationKeyInput(keyText));
    await this.deps.announce?.();
  }

  private view(key: DestinationKey, row: DestinationRow | undefined, state = IDLE): DestinationView {
    return {
      key,
      max_concurrency: row?.max_concurrency ?? this.deps.defaultMaxConcurrency,
      rate_limit_max: row?.rate_limit_max ?? null,
      rate_limit_per_seconds: row?.rate_limit_per_seconds ?? null,
      in_flight: state.inFlight,
      held_until: state.heldUntil,
      held_reason: state.heldReason,
      waiting: state.waiting,
      recent_429s: state.recent429s,
    };
  }
}

/** Origins first, then Discord webhooks, each in key order. */
function byKind(a: DestinationKey, b: DestinationKey): number {
  const kind = Number(isDiscordDestination(a)) - Number(isDiscordDestination(b));
  return kind !== 0 ? kind : a < b ? -1 : a > b ? 1 : 0;
}
