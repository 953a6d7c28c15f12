import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@scheduler/config';
import { errorBody } from './api-error';

/** How long a client has to send a whole request, headers and body: then 408, and the connection closes. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for requests past that time (its default, 30 s, would let one last up to a minute). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1000;

interface ClientError extends Error {
  code?: string;
  /** llhttp's reason, such as "Duplicate Content-Length": about the bytes received, nothing of ours. */
  reason?: string;
}

/**
 * Fastify's clientErrorHandler: what Node's HTTP parser refuses before there is a request
 * (a malformed request line, two Content-Lengths, headers over 16 KB) and requests that
 * did not arrive in time. Answered in the API's error shape, then the connection closes:
 * after such an error the rest of the bytes cannot be trusted to start a request.
 */
export function clientErrorHandler(logger: Logger): (error: ClientError, socket: Socket) => void {
  return (error, socket) => {
    // Reset by the client: there is nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message, details] = describe(error);
    logger.debug(`client error ${status}: ${error.code ?? error.message}`);
    // Like Node's own handler: only when no response has started on this connection.
    const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
      ?.headersSent;
    if (!socket.writable || started) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(errorBody('VALIDATION_ERROR', message, details));
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

function describe(error: ClientError): [number, string, Record<string, string>] {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [
        408,
        `The request did not arrive within ${REQUEST_TIMEOUT_MS / 1000} s: expected its headers and body sooner.`,
        { request: 'timeout' },
      ];
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        'The request headers are too large: expected at most 16 KB of headers.',
        { headers: 'too large' },
      ];
    default: {
      const reason = (error.reason ?? error.code ?? 'unreadable').slice(0, 100);
      return [
        400,
        `The request is not valid HTTP/1.1 (${reason}): expected a well-formed request line and headers.`,
        { http: reason },
      ];
    }
  }
}
