import net from 'node:net';

/** What came back on a raw connection: the first response, and whether the server closed it. */
export interface RawExchange {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
  /** The server ended the connection (FIN or reset) within the wait. */
  closed: boolean;
  /** Milliseconds from the first byte sent to the close (or to the end of the wait). */
  elapsedMs: number;
}

export interface RawOptions {
  /** Sent after `head`, one chunk at a time, `everyMs` apart, until the connection closes. */
  trickle?: { chunk: string; everyMs: number };
  /** How long to wait for the server to close the connection. */
  waitMs?: number;
}

/** Sends bytes as they are (malformed ones included) to `url`'s host and port, as a client that does not follow the rules. */
export function rawExchange(
  url: string,
  head: string | Buffer,
  options: RawOptions = {},
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let trickle: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearInterval(trickle);
      clearTimeout(wait);
      socket.destroy();
      resolve({ ...parse(received.toString('latin1')), closed, elapsedMs: Date.now() - started });
    };
    const wait = setTimeout(() => finish(false), options.waitMs ?? 5000);
    socket.on('data', (chunk) => (received = Buffer.concat([received, chunk])));
    socket.once('end', () => finish(true));
    socket.once('close', () => finish(true));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(true);
      else reject(error);
    });
    socket.once('connect', () => {
      socket.write(head);
      if (options.trickle) {
        const { chunk, everyMs } = options.trickle;
        trickle = setInterval(() => {
          if (socket.writable) socket.write(chunk);
        }, everyMs);
      }
    });
  });
}

function parse(text: string): Pick<RawExchange, 'status' | 'headers' | 'body' | 'text'> {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyText = rest.join('\r\n\r\n');
  let body: unknown = bodyText;
  if ((headers['content-type'] ?? '').includes('application/json') && bodyText !== '') {
    body = JSON.parse(bodyText) as unknown;
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, text };
}
