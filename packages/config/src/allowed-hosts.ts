import ipaddr from 'ipaddr.js';

const HOST_LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Why a WEBHOOK_ALLOWED_HOSTS entry is none of a host name, an IP address or a
 * CIDR; undefined when it is one. (What each kind allows is core's safe-target.)
 */
export function allowedHostProblem(entry: string): string | undefined {
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  if (ipaddr.isValidCIDR(entry) || ipaddr.isValid(bare)) return undefined;
  const host = entry.toLowerCase().replace(/\.$/, '');
  const labels = host.split('.');
  const isHost = host.length <= 253 && labels.every((label) => HOST_LABEL.test(label));
  // All-numeric labels that make no address (300.1.1.1) are read by a URL as an address, never as a name.
  if (isHost && !labels.every((label) => /^\d+$/.test(label))) return undefined;
  return `"${entry}" is not a host name, an IP address or a CIDR (such as 10.0.0.0/8)`;
}
