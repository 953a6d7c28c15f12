import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks headers (SPEC §14): `webhook-id` (the run id, the same on every
 * attempt so a receiver can drop a redelivery), `webhook-timestamp` (Unix seconds,
 * so it can refuse a replay) and `webhook-signature`: `v1,` + base64 HMAC-SHA256 of
 * `<id>.<timestamp>.<body>` for each secret, space-separated.
 */
export function signatureHeaders(
  secrets: readonly string[],
  messageId: string,
  sentAt: Date,
  body: string,
): Record<string, string> {
  const timestamp = String(Math.floor(sentAt.getTime() / 1000));
  const signed = `${messageId}.${timestamp}.${body}`;
  const signatures = secrets.map(
    (secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`,
  );
  return {
    'webhook-id': messageId,
    'webhook-timestamp': timestamp,
    ...(signatures.length > 0 ? { 'webhook-signature': signatures.join(' ') } : {}),
  };
}

/** The key a `whsec_` secret stands for: the base64 after the prefix. */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}
