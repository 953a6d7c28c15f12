import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A receiver that rate-limits as Discord documents its webhooks
 * (https://discord.com/developers/docs/topics/rate-limits):
 *
 * - each webhook (`/api/webhooks/<id>/<token>`, or `/api/v<n>/…`) has a bucket of `limit`
 *   requests per `windowMs`; the window starts with the first request after the last one
 *   reset, as Discord's `X-RateLimit-Reset-After` describes it;
 * - every answer carries `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds, with
 *   fractions), `-Reset-After` (seconds, with fractions) and `-Bucket`;
 * - past the bucket: 429 with `Retry-After` (whole seconds, rounded up), `X-RateLimit-Scope`
 *   and the JSON body `{ message, retry_after, global }` (`retry_after` in seconds, fractional);
 * - a global limit of `globalLimit` requests per second across every webhook: 429 with
 *   `X-RateLimit-Global: true` and `global: true`.
 *
 * It counts **violations**: requests received while an answer had told the sender to wait
 * (a 429's `retry_after`, or `Remaining: 0` before the bucket's reset).
 */
export interface DiscordReceiverOptions {
  /** Requests per bucket window; default 5. */
  limit?: number;
  /** The bucket's window; default 2000 ms. */
  windowMs?: number;
  /** Requests per second across all webhooks; default 50 (Discord's global limit). */
  globalLimit?: number;
  /** Delay before each answer; default 0. */
  latencyMs?: number;
}

export interface DiscordRequest {
  webhookId: string;
  at: number;
  status: number;
  body: unknown;
  /** Sent while an earlier answer had said to wait. */
  violation: boolean;
}

export interface DiscordReceiver {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** A webhook URL of this receiver, Discord's path shape. */
  webhookUrl(id: string, token?: string): string;
  requests: DiscordRequest[];
  /** Requests answered 2xx. */
  delivered(webhookId?: string): number;
  /** Requests answered 429. */
  rateLimited(webhookId?: string): number;
  violations(webhookId?: string): number;
  /** Answers the next `count` requests to `webhookId` with this 429 instead (a learned-limit test). */
  answerNext(webhookId: string, count: number, answer: ScriptedAnswer): void;
  close(): Promise<void>;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Bucket {
  /** When the current window ends (ms); 0 before the first request. */
  resetAt: number;
  used: number;
  /** Until when an answer told the sender to wait (ms). */
  waitUntil: number;
}

const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/?]+)/;

export async function startDiscordReceiver(options: DiscordReceiverOptions = {}): Promise<DiscordReceiver> {
  const limit = options.limit ?? 5;
  const windowMs = options.windowMs ?? 2000;
  const globalLimit = options.globalLimit ?? 50;
  const buckets = new Map<string, Bucket>();
  const scripted = new Map<string, { count: number; answer: ScriptedAnswer }>();
  const global = { resetAt: 0, used: 0, waitUntil: 0 };
  const requests: DiscordRequest[] = [];

  const answer = (
    webhookId: string,
    now: number,
  ): { status: number; headers: Record<string, string>; body: unknown; violation: boolean } => {
    let bucket = buckets.get(webhookId);
    if (!bucket) buckets.set(webhookId, (bucket = { resetAt: 0, used: 0, waitUntil: 0 }));
    const violation = now < bucket.waitUntil || now < global.waitUntil;
    const script = scripted.get(webhookId);
    if (script && script.count > 0) {
      script.count -= 1;
      const bodyWait = Number((script.answer.body as { retry_after?: unknown } | undefined)?.retry_after);
      const headerWait = Number(script.answer.headers?.['retry-after']);
      const retryAfter = Number.isFinite(bodyWait) ? bodyWait : headerWait;
      if (script.answer.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) {
        bucket.waitUntil = Math.max(bucket.waitUntil, now + retryAfter * 1000);
      }
      return {
        status: script.answer.status,
        headers: script.answer.headers ?? {},
        body: script.answer.body ?? {},
        violation,
      };
    }
    if (now >= global.resetAt) {
      global.resetAt = now + 1000;
      global.used = 0;
    }
    global.used += 1;
    if (global.used > globalLimit) {
      const retryAfter = (global.resetAt - now) / 1000;
      global.waitUntil = Math.max(global.waitUntil, global.resetAt);
      return {
        status: 429,
        headers: {
          'retry-after': String(Math.ceil(retryAfter)),
          'x-ratelimit-global': 'true',
          'x-ratelimit-scope': 'global',
        },
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
        violation,
      };
    }
    if (now >= bucket.resetAt) {
      bucket.resetAt = now + windowMs;
      bucket.used = 0;
    }
    bucket.used += 1;
    const remaining = Math.max(0, limit - bucket.used);
    const resetAfter = (bucket.resetAt - now) / 1000;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': (bucket.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': createHash('sha1').update(`webhook:${webhookId}`).digest('hex').slice(0, 32),
    };
    if (bucket.used > limit) {
      bucket.waitUntil = Math.max(bucket.waitUntil, bucket.resetAt);
      return {
        status: 429,
        headers: {
          ...headers,
          'retry-after': String(Math.ceil(resetAfter)),
          'x-ratelimit-scope': 'shared',
        },
        body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
        violation,
      };
    }
    if (remaining === 0) bucket.waitUntil = Math.max(bucket.waitUntil, bucket.resetAt);
    return { status: 204, headers, body: undefined, violation };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = WEBHOOK_PATH.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Unknown Webhook', code: 10015 }));
        return;
      }
      const webhookId = match[1] ?? '';
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const reply = answer(webhookId, Date.now());
      requests.push({ webhookId, at: Date.now(), status: reply.status, body, violation: reply.violation });
      const send = () => {
        if (reply.body === undefined || reply.status === 204) {
          res.writeHead(reply.status, reply.headers).end();
        } else {
          res.writeHead(reply.status, { ...reply.headers, 'content-type': 'application/json' });
          res.end(JSON.stringify(reply.body));
        }
      };
      if (options.latencyMs) setTimeout(send, options.latencyMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const of = (webhookId?: string) =>
    requests.filter((r) => webhookId === undefined || r.webhookId === webhookId);
  return {
    origin,
    webhookUrl: (id, token = 'token') => `${origin}/api/webhooks/${id}/${token}`,
    requests,
    delivered: (id) => of(id).filter((r) => r.status >= 200 && r.status < 300).length,
    rateLimited: (id) => of(id).filter((r) => r.status === 429).length,
    violations: (id) => of(id).filter((r) => r.violation).length,
    answerNext(webhookId, count, scriptedAnswer) {
      scripted.set(webhookId, { count, answer: scriptedAnswer });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
