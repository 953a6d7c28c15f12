import ipaddr from 'ipaddr.js';

/**
 * SPEC §14 safe targets: the address classes a webhook may not reach unless
 * WEBHOOK_ALLOWED_HOSTS lists them. Classification is ipaddr.js's range tables;
 * what is ours is which ranges are refused and under which name.
 */
export type AddressClass =
  'loopback' | 'private' | 'link-local' | 'unique-local' | 'CGNAT' | 'multicast' | 'unspecified' | 'reserved';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** What each class is, as a refusal says it. */
const CLASS_NOTES: Record<AddressClass, string> = {
  loopback: 'loopback (this machine)',
  private: 'private (RFC 1918 / site-local network)',
  'link-local': 'link-local (169.254.0.0/16, fe80::/10: cloud metadata services live there)',
  'unique-local': 'unique-local (fc00::/7, a private IPv6 network)',
  CGNAT: 'CGNAT (100.64.0.0/10, carrier-grade NAT)',
  multicast: 'multicast',
  unspecified: 'unspecified (0.0.0.0/8, ::)',
  reserved: 'reserved (documentation, benchmarking, broadcast or future use)',
};

const IPV4_CLASSES: Record<string, AddressClass> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'CGNAT',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'reserved',
  reserved: 'reserved',
};

const IPV6_CLASSES: Record<string, AddressClass> = {
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'private',
  multicast: 'multicast',
  unspecified: 'unspecified',
  reserved: 'reserved',
  discard: 'reserved',
  benchmarking: 'reserved',
  teredo: 'reserved',
  orchid2: 'reserved',
  deprecatedOrchid: 'reserved',
  droneRemoteIdProtocolEntityTags: 'reserved',
  segmentRouting: 'reserved',
};

/** Parses an address in any notation ipaddr.js reads (dotted, decimal, hex, octal; IPv6 with or without brackets). */
function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : undefined;
}

/** The IPv4 address an IPv6 one carries in its low 32 bits. */
function embeddedIPv4(address: ipaddr.IPv6, firstPart = 6): ipaddr.IPv4 {
  const parts = address.parts;
  const high = parts[firstPart] ?? 0;
  const low = parts[firstPart + 1] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function classOf(address: Address): AddressClass | null {
  if (address.kind() === 'ipv4') return IPV4_CLASSES[address.range()] ?? null;
  const v6 = address as ipaddr.IPv6;
  const range: string = v6.range();
  switch (range) {
    // Ranges that carry an IPv4 address reach what it reaches: classed as that address.
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return classOf(embeddedIPv4(v6));
    case '6to4':
      return classOf(embeddedIPv4(v6, 1));
    default:
      break;
  }
  // ::a.b.c.d, the deprecated IPv4-compatible form (:: and ::1 are classed above).
  if (range === 'unicast' && v6.parts.slice(0, 6).every((part) => part === 0)) return 'reserved';
  return IPV6_CLASSES[range] ?? null;
}

/**
 * The class of an IP address that a webhook may not reach, or null for a public
 * unicast address. Undefined when `address` is no IP address (a host name).
 */
export function addressClass(address: string): AddressClass | null | undefined {
  const parsed = parseAddress(address);
  return parsed ? classOf(parsed) : undefined;
}

/** WEBHOOK_ALLOWED_HOSTS, read: host names (lower case, no trailing dot) and address ranges. */
export interface AllowList {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: readonly (readonly [Address, number])[];
  /** The entries as given, for messages. */
  readonly entries: readonly string[];
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), ranges: [], entries: [] };

/**
 * Reads WEBHOOK_ALLOWED_HOSTS entries, each a host name, an address or a CIDR (the
 * config has refused anything else at start): a CIDR or an address is a range of
 * addresses; anything else is a host name.
 */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const ranges: [Address, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (ipaddr.isValidCIDR(entry)) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      ranges.push(normalizedRange(address, bits));
      continue;
    }
    const address = parseAddress(entry);
    if (address) {
      ranges.push(normalizedRange(address, address.kind() === 'ipv4' ? 32 : 128));
      // Also a host name, so that a URL written with it matches before any lookup.
      hosts.add(address.toNormalizedString());
      continue;
    }
    hosts.add(entry.toLowerCase().replace(/\.$/, ''));
  }
  return { hosts, ranges, entries: entries.map((e) => e.trim()).filter(Boolean) };
}

/** An IPv4-mapped range is kept as the IPv4 range it maps: addresses are compared unmapped. */
function normalizedRange(address: Address, bits: number): [Address, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

function unmapped(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** A host name (as a URL gives it: brackets around IPv6) in the comparable form of the allow list. */
function hostKey(hostname: string): string {
  const address = parseAddress(hostname);
  if (address) return unmapped(address).toNormalizedString();
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** Whether the allow list names this host (a name, or an address written as the URL's host). */
export function isHostAllowed(allow: AllowList, hostname: string): boolean {
  return allow.hosts.has(hostKey(hostname));
}

function inAllowedRange(allow: AllowList, address: Address): boolean {
  const plain = unmapped(address);
  return allow.ranges.some(([range, bits]) => range.kind() === plain.kind() && plain.match(range, bits));
}

/** What the check of one address decided. */
export type AddressVerdict =
  { kind: 'allowed' } | { kind: 'refused'; address: string; addressClass: AddressClass; message: string };

/**
 * The check the HTTP client makes of each address it is about to connect to, and
 * the API of an IP literal: public unicast passes; any other class passes only when
 * WEBHOOK_ALLOWED_HOSTS covers the address.
 */
export function checkAddress(allow: AllowList, address: string): AddressVerdict {
  const parsed = parseAddress(address);
  if (!parsed) return { kind: 'allowed' };
  const refusedClass = classOf(parsed);
  if (refusedClass === null || inAllowedRange(allow, parsed)) return { kind: 'allowed' };
  const written = address.startsWith('[') ? address : parsed.kind() === 'ipv6' ? `[${address}]` : address;
  const plain = unmapped(parsed);
  // An IPv4-mapped address is named with the IPv4 address it reaches too.
  const shown = plain === parsed ? written : `${written} (${plain.toString()})`;
  return {
    kind: 'refused',
    address: shown,
    addressClass: refusedClass,
    message: `${shown} is ${refusedClass === 'unspecified' ? 'an' : 'a'} ${refusedClass} address: webhooks may not reach ${CLASS_NOTES[refusedClass]} addresses unless WEBHOOK_ALLOWED_HOSTS lists them`,
  };
}

/**
 * SPEC §14 at create and update: a URL whose host is an IP literal (in any notation
 * the URL parser reads: decimal, hex, octal, IPv4-mapped IPv6) of a refused class
 * is refused; host names are checked when connecting. Undefined when the URL may be
 * saved; the refusal otherwise.
 */
export function urlTargetProblem(allow: AllowList, webhookUrl: string): string | undefined {
  let hostname: string;
  try {
    hostname = new URL(webhookUrl).hostname;
  } catch {
    return undefined; // Not a URL: the URL check says so.
  }
  if (isHostAllowed(allow, hostname)) return undefined;
  const verdict = checkAddress(allow, hostname);
  return verdict.kind === 'refused' ? verdict.message : undefined;
}
