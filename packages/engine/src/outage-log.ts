import { describeError, type Logger } from '@scheduler/config';

/** How often an outage that goes on is reported again. */
export const OUTAGE_REPORT_EVERY_MS = 60_000;

/**
 * Reports one dependency (PostgreSQL, Redis) being out of reach in a few lines
 * a person can read, not a stack trace per failed try: one `error` line when
 * the outage starts, one per minute while it lasts, and one `info` line when
 * the dependency answers again.
 */
export class OutageLog {
  private since: number | undefined;
  private lastReport = 0;
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly dependency: string,
    /** What the process does meanwhile, e.g. "no task is claimed until it answers". */
    private readonly meanwhile: string,
    private readonly now: () => number = Date.now,
    /** How the dependency is when it fails, and when it is back. */
    private readonly wording: { down: string; up: string } = { down: 'out of reach', up: 'answers again' },
  ) {}

  /** One failed try because the dependency is out of reach. */
  failed(error: unknown): void {
    const now = this.now();
    this.failures += 1;
    if (this.since === undefined) {
      this.since = now;
      this.lastReport = now;
      this.logger.error(
        `${this.dependency} is ${this.wording.down} (${describeError(error)}): ${this.meanwhile}`,
      );
    } else if (now - this.lastReport >= OUTAGE_REPORT_EVERY_MS) {
      this.lastReport = now;
      this.logger.error(
        `${this.dependency} still ${this.wording.down} after ${seconds(now - this.since)} (${describeError(error)}, ${this.failures} failed tries): ${this.meanwhile}`,
      );
    }
  }

  /** A try that reached the dependency: ends the outage, if there was one. */
  recovered(): void {
    if (this.since === undefined) return;
    this.logger.info(
      `${this.dependency} ${this.wording.up}, after ${seconds(this.now() - this.since)} ${this.wording.down}`,
    );
    this.since = undefined;
    this.failures = 0;
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
