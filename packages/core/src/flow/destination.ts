/**
 * SPEC §12: a destination is where a webhook goes — the origin of its URL
 * (`scheme://host:port`), or, for a Discord webhook (§14: a path
 * `/api/webhooks/<id>/<token>` or `/api/v<n>/webhooks/<id>/<token>` on any host),
 * `discord:<webhook id>`. Limits, holds and pacing are kept per destination.
 */
export type DestinationKey = string;

const DISCORD_WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/[^/]+\/?$/;
const DISCORD_KEY = /^discord:\d{1,30}$/;

/** The destination of a webhook URL; undefined for a URL that does not parse or is not http(s). */
export function destinationOf(webhookUrl: string): DestinationKey | undefined {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const discord = DISCORD_WEBHOOK_PATH.exec(url.pathname);
  if (discord) return `discord:${discord[1]}`;
  return originOf(url);
}

/** Whether a destination is a Discord webhook (its global limit and unknown-bucket rule apply). */
export function isDiscordDestination(key: DestinationKey): boolean {
  return key.startsWith('discord:');
}

/**
 * A key as a user types it (API, CLI): `discord:<id>`, or an http(s) origin —
 * with or without a default port, which is made explicit as the worker does.
 * Undefined when it is neither.
 */
export function parseDestinationKey(text: string): DestinationKey | undefined {
  const value = text.trim();
  if (DISCORD_KEY.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // An origin only: a path, a query or credentials would name something else.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username)
    return undefined;
  return originOf(url);
}

/** `scheme://host:port`, the port always written (so http://a and http://a:80 are one destination). */
function originOf(url: URL): DestinationKey {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.protocol}//${url.hostname}:${port}`;
}
