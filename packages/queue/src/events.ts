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

/**
 * Publishes live events for dashboards. Fire and forget: an event is a hint to
 * look again, never the record (PostgreSQL is), so a lost one costs a stale
 * screen until the next, and a publish never holds up or fails the work.
 */
export class EventPublisher {
  private readonly channel: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = eventsChannel(prefix);
  }

  emit(event: LiveEventName, data: Record<string, unknown>): void {
    this.redis.publish(this.channel, JSON.stringify({ event, data })).catch(() => undefined);
  }
}
