import type { Redis } from './connection';

/** The live events of SPEC §15, as `GET /api/events` names them. */
export const liveEventNames = [
  'task.created',
  'task.updated',
  'task.deleted',
  'run.queued',
  'run.started',
  'run.finished',
  'attempt.finished',
  'destination.held',
] as const;
export type LiveEventName = (typeof liveEventNames)[number];

/** One event on the channel: its name, and the ids and new state of what changed. */
export interface LiveEvent {
  event: LiveEventName;
  data: Record<string, unknown>;
}

/** The pub/sub channel of every live event of a deployment. */
export function eventsChannel(prefix: string): string {
  return `${prefix}:events`;
}

/** How long events gather before they are published together. */
export const EVENTS_FLUSH_MS = 50;

/**
 * Publishes live events for dashboards. Fire and forget: an event is a hint to
 * look again, never the record (PostgreSQL is), so a lost one costs a stale
 * screen until the next, and a publish never holds up or fails the work.
 * Events gather for EVENTS_FLUSH_MS and go out as one message (a JSON array):
 * a busy worker publishes a few times a second, not three times per delivery.
 */
export class EventPublisher {
  private readonly channel: string;
  private pending: LiveEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = eventsChannel(prefix);
  }

  emit(event: LiveEvent['event'], data: Record<string, unknown>): void {
    this.pending.push({ event, data });
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), EVENTS_FLUSH_MS);
    this.timer.unref();
  }

  /** Publishes what has gathered now (also at shutdown, before the connection closes). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const message = JSON.stringify(this.pending);
    this.pending = [];
    this.redis.publish(this.channel, message).catch(() => undefined);
  }
}

/** The events of one message on the channel: an array (batched), or one event (older publishers). */
export function parseLiveEvents(message: string): LiveEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  const events = Array.isArray(parsed) ? parsed : [parsed];
  return events.filter(
    (e): e is LiveEvent =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as LiveEvent).event === 'string' &&
      typeof (e as LiveEvent).data === 'object' &&
      (e as LiveEvent).data !== null,
  );
}
