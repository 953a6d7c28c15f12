import { createLogger, loadConfigOrExit } from '@scheduler/config';
import { describeDummyWebhook } from './describe';
import { createDummyWebhook } from './dummy-webhook';

/** How long a graceful stop waits for in-flight deliveries before cutting connections. */
const STOP_GRACE_MS = 5_000;

/**
 * `npm run dummy-webhook`: the receiver on DUMMY_WEBHOOK_PORT, on every interface so it
 * is reachable from other containers. SIGINT/SIGTERM stop it after in-flight answers
 * went out; the exit code is then 0.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger('dummy-webhook', config);
  const failOn = config.dummyWebhookFailOn;
  const latencyMs = config.dummyWebhookLatencyMs;
  const dummy = createDummyWebhook({ failOn, latencyMs, logger });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(`dummy webhook stopping on ${signal}`);
    setTimeout(() => {
      logger.warn(`dummy webhook still busy after ${STOP_GRACE_MS} ms: closing every connection`);
      dummy.server.closeAllConnections();
    }, STOP_GRACE_MS).unref();
    dummy.close().then(
      () => {
        logger.info('dummy webhook stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'dummy webhook failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  // Before listening: a signal that comes as soon as the port answers is not missed
  // (the default action would end the process without its last lines).
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const port = config.dummyWebhookPort;
  try {
    await dummy.listen(port, '0.0.0.0');
  } catch (error) {
    logger.fatal(
      { err: error },
      `dummy webhook cannot listen on :${port}: change DUMMY_WEBHOOK_PORT or free the port`,
    );
    process.exit(1);
  }
  logger.info(`dummy webhook listening on :${port} (${describeDummyWebhook(failOn, latencyMs)})`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `dummy webhook crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
