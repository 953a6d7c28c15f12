import { type EngineMetrics, type Liveness, MetricsServer } from '@scheduler/engine';
import type { Context } from '../context';

/**
 * Serves /metrics and /healthz on `port` (PUBLISHER_METRICS_PORT or WORKER_METRICS_PORT)
 * when it is set; a port that cannot be had ends the process, as the API's does.
 */
export async function startMetricsServer(
  context: Context,
  port: number | undefined,
  metrics: EngineMetrics,
  liveness: () => Liveness,
): Promise<MetricsServer | undefined> {
  if (port === undefined) return undefined;
  const host = context.config.metricsHost;
  const server = new MetricsServer({ port, host, registry: metrics.registry, liveness });
  try {
    await server.start();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use' : String((error as Error).message);
    context.logger.fatal(`cannot serve metrics on ${host}:${port}: ${why}`);
    context.logger.flush();
    process.exit(1);
  }
  context.logger.info(
    `metrics on http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics (health: /healthz)`,
  );
  return server;
}
