import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The test receiver of SPEC §8: `POST /webhook` counts and logs each delivery, waits a
 * random delay, then answers 500 for the configured request numbers and 200 otherwise.
 * No environment, no clock reads, no global state: `main.ts` wires the config in, and
 * randomness is injected so tests can pin the delay.
 */

/** The part of a pino logger the receiver uses (a pino `Logger` satisfies it). */
export interface DummyWebhookLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  isLevelEnabled(level: 'info'): boolean;
}

export interface DummyWebhookOptions {
  /** 1-based request numbers answered with 500. */
  failOn: readonly number[];
  /** Inclusive range of the random delay before answering; `{ min: 0, max: 0 }` switches it off. */
  latencyMs: { min: number; max: number };
  logger: DummyWebhookLogger;
  /** Uniform in [0, 1); defaults to `Math.random`. */
  random?: () => number;
  /** Largest accepted body; defaults to 1 MiB. */
  maxBodyBytes?: number;
}

export interface DummyWebhook {
  server: http.Server;
  /** Resolves once listening; pass port 0 for an ephemeral port. */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight deliveries get their answer, then resolves. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Above the 5 s Node default so a benchmark's pooled connections are not dropped between
 * bursts (and above the usual 60 s of proxies and client pools, which then close first).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const ROUTES = 'POST /webhook, GET /stats, GET /health';

export function createDummyWebhook(options: DummyWebhookOptions): DummyWebhook {
  const { logger } = options;
  const failOn = new Set(options.failOn);
  const { min, max } = checkLatency(options.latencyMs);
  const random = options.random ?? Math.random;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  // Accepted /webhook requests since start. A number is taken when a request's body has
  // fully arrived and been accepted, before the delay: concurrent requests get distinct
  // numbers in arrival order, and a refused request (413, aborted upload) takes none, so
  // the configured failures always land on real deliveries.
  let count = 0;
  let closing = false;

  function chooseDelayMs(): number {
    if (max === 0) return 0;
    return Math.min(max, min + Math.floor(random() * (max - min + 1)));
  }

  function send(
    res: ServerResponse,
    status: number,
    body: object,
    headers: http.OutgoingHttpHeaders = {},
  ): void {
    // The client may have hung up during the delay: there is no one left to answer.
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    // While closing, end each connection after its answer so close() does not wait for
    // keep-alive sockets to time out.
    if (closing) headers = { ...headers, connection: 'close' };
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function receiveWebhook(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, keep reading but drop the bytes: the client gets a clean 413
      // instead of a reset connection in the middle of its upload.
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('error', () => {
      // The client went away mid-body: nothing to answer and nothing counted.
    });
    req.on('end', () => {
      if (size > maxBodyBytes) {
        logger.warn({ bytes: size, maxBodyBytes }, 'webhook request refused: body too large');
        send(res, 413, {
          ok: false,
          error: `body of ${size} bytes is too large: expected at most ${maxBodyBytes} bytes`,
        });
        return;
      }
      const request = ++count;
      const status = failOn.has(request) ? 500 : 200;
      const delayMs = chooseDelayMs();
      if (logger.isLevelEnabled('info')) {
        logger.info(
          { request, status, delayMs, body: decodeBody(Buffer.concat(chunks, size)) },
          'webhook request received',
        );
      }
      const answer = () =>
        send(
          res,
          status,
          status === 500 ? { ok: false, request, error: 'configured failure' } : { ok: true, request },
        );
      if (delayMs === 0) answer();
      else setTimeout(answer, delayMs);
    });
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const method = req.method ?? 'GET';
    switch (path) {
      case '/webhook':
        if (method === 'POST') return receiveWebhook(req, res);
        return methodNotAllowed(res, method, path, 'POST');
      case '/stats':
        if (method === 'GET') return send(res, 200, { count });
        return methodNotAllowed(res, method, path, 'GET');
      case '/health':
        if (method === 'GET') return send(res, 200, { status: 'ok' });
        return methodNotAllowed(res, method, path, 'GET');
      default:
        return send(res, 404, { ok: false, error: `no route ${method} ${path}: expected one of ${ROUTES}` });
    }
  }

  function methodNotAllowed(res: ServerResponse, method: string, path: string, allowed: string): void {
    send(
      res,
      405,
      { ok: false, error: `${method} ${path} is not supported: expected ${allowed}` },
      { allow: allowed },
    );
  }

  const server = http.createServer(route);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed keepAliveTimeout, or a request arriving just as a kept-alive socket times
  // out can be cut off.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onListening = () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        };
        server.once('error', reject);
        if (host === undefined) server.listen(port, onListening);
        else server.listen(port, host, onListening);
      });
    },
    close() {
      closing = true;
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

function checkLatency(latency: { min: number; max: number }): { min: number; max: number } {
  const { min, max } = latency;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new RangeError(
      `Invalid latency range ${min}-${max}: expected whole milliseconds with 0 <= min <= max`,
    );
  }
  return { min, max };
}

/** JSON bodies are logged parsed; anything else (or malformed JSON) as text. */
function decodeBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
