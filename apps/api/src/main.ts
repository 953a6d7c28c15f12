import { createLogger, loadConfigOrExit, runUntilSignal } from '@scheduler/config';
import { ClusterRepository, TaskRepository } from '@scheduler/db';
import { createAlerter, LateWatch } from '@scheduler/engine';
import { createApiApp } from './app';
import { createApiContext } from './context';
import { exposedExampleKey } from './listen-address';

/** `npm run api`: the REST API on API_HOST:API_PORT. Stops cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const refusal = exposedExampleKey(config);
  if (refusal) {
    // A configuration problem, so the exit code of loadConfigOrExit's.
    process.stderr.write(`API refuses to start: ${refusal}\n`);
    process.exit(2);
  }
  const logger = createLogger('api', config);
  const context = createApiContext(config, logger);
  const app = await createApiApp(context);
  const address = `${config.apiHost.includes(':') ? `[${config.apiHost}]` : config.apiHost}:${config.apiPort}`;
  try {
    await app.listen({ port: config.apiPort, host: config.apiHost });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    const why = code === 'EADDRINUSE' ? 'the port is in use' : 'this user may not use the port';
    process.stderr.write(
      `API cannot listen on ${address}: ${why}. Set another API_PORT in .env, or stop what holds it.\n`,
    );
    await context.close();
    process.exit(1);
  }
  // The late alarm rings from the API too, so it rings when no publisher runs (SPEC §15).
  // Its alerts go out from here, through the API's safe client and flow control (SPEC §14).
  const lateWatch = new LateWatch({
    cluster: new ClusterRepository(context.db),
    redis: context.redis,
    prefix: config.redisPrefix,
    lateAfterMs: config.lateAlertAfterMs,
    logger,
    alerts: createAlerter(config, {
      webhooks: context.webhooks,
      redis: context.redis,
      tasks: new TaskRepository(context.db),
      logger,
      flow: context.flow,
    }),
  });
  lateWatch.start();
  logger.info(`API listening on http://${address} (docs at /api/docs)`);
  // JSON logs are buffered (see createLogger); this line is what supervisors and tests wait for.
  logger.flush();

  // In-flight requests get a few seconds; an unanswering dependency must not keep the process alive.
  runUntilSignal(
    logger,
    async () => {
      await lateWatch.stop();
      await app.close();
      await context.close();
    },
    10_000,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
