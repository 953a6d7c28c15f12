import type { Logger } from '@scheduler/config';
import {
  createRedisConnection,
  eventsChannel,
  type LiveEvent,
  parseLiveEvents,
  type Redis,
} from '@scheduler/queue';

type Listener = (event: LiveEvent) => void;

/**
 * The API process's one subscription to the live events channel, shared by every
 * open event stream (SPEC §15). Subscribed while a stream is open; its connection
 * waits for Redis to come back rather than failing, as a subscriber must.
 */
export class LiveEvents {
  private readonly listeners = new Set<Listener>();
  private readonly closers = new Set<() => void>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** Calls `listener` with each event until the returned function is called. */
  listen(listener: Listener, close: () => void): () => void {
    this.ensureSubscribed();
    this.listeners.add(listener);
    this.closers.add(close);
    return () => {
      this.listeners.delete(listener);
      this.closers.delete(close);
    };
  }

  /** Ends every open stream (the API is stopping): clients see a clean end and reconnect elsewhere. */
  endStreams(): void {
    for (const close of [...this.closers]) close();
  }

  async close(): Promise<void> {
    this.endStreams();
    const subscriber = this.subscriber;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private ensureSubscribed(): void {
    if (this.subscriber) return;
    const subscriber = createRedisConnection(this.redisUrl);
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      for (const event of parseLiveEvents(message)) {
        for (const listener of this.listeners) listener(event);
      }
    });
    subscriber.subscribe(eventsChannel(this.prefix)).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not subscribe to live events: event streams stay quiet');
    });
  }
}
