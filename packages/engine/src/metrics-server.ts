import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Whether the process is doing its work; `reason` says why not, in words safe for anyone. */
export type Liveness = { healthy: true } | { healthy: false; reason: string };

export interface MetricsServerOptions {
  port: number;
  host: string;
  registry: Registry;
  /** `/healthz`: 200 while healthy, 503 with the reason otherwise. */
  liveness: () => Liveness;
}

/**
 * The publisher's and the worker's small HTTP server (SPEC §15): `GET /metrics`
 * in the Prometheus text format, `GET /healthz` for container health checks.
 * Nothing else: it carries no task data, and every other path is a 404.
 */
export class MetricsServer {
  private server: Server | undefined;

  constructor(private readonly options: MetricsServerOptions) {}

  async start(): Promise<number> {
    const { registry, liveness } = this.options;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET only\n');
        return;
      }
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
          () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
        );
        return;
      }
      if (path === '/healthz') {
        const state = liveness();
        const body = state.healthy ? { status: 'ok' } : { status: 'unavailable', reason: state.reason };
        response
          .writeHead(state.healthy ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(body));
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /metrics or /healthz\n');
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
