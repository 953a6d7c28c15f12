import type { Logger } from './logger';

/**
 * Keeps a long-running process alive until SIGINT or SIGTERM, then runs `stop`
 * once and exits 0 (1 if it fails). A second signal while stopping exits at once;
 * with `deadlineMs`, so does a `stop` that has not finished by then (a dependency
 * that does not answer must not keep the process alive).
 */
export function runUntilSignal(logger: Logger, stop: () => Promise<void>, deadlineMs?: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    if (deadlineMs !== undefined) {
      setTimeout(() => {
        logger.error(`still stopping after ${deadlineMs} ms: exiting now`);
        process.exit(1);
      }, deadlineMs).unref();
    }
    stop().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
