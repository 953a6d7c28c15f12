import dns, { type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { type AddressVerdict, type AllowList, checkAddress, isHostAllowed } from '@scheduler/core';
import { buildConnector } from 'undici';

/** A lookup as `net.connect` calls it (options always given). */
export type LookupFunction = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: LookupFunction = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/** The connection was not opened: the address is one webhooks may not reach (SPEC §14). */
export class RefusedTargetError extends Error {
  readonly code = 'ERR_REFUSED_TARGET';

  constructor(readonly verdict: Extract<AddressVerdict, { kind: 'refused' }>) {
    super(verdict.message);
    this.name = 'RefusedTargetError';
  }
}

/** The first RefusedTargetError in an error's cause chain (undici may wrap the socket's error). */
export function refusedTarget(error: unknown): RefusedTargetError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof RefusedTargetError) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * An undici connector that checks the address each connection is opened to
 * (SPEC §14): an IP literal before connecting, a host name through the lookup
 * that `net.connect` uses, so the address checked is the one connected to and a
 * DNS answer that changes between the API's check and the delivery (rebinding)
 * cannot pass. A host name the allow list names is not checked further.
 */
export function safeConnector(
  allow: AllowList,
  options: { timeoutMs: number; lookup?: LookupFunction },
): buildConnector.connector {
  const lookup = options.lookup ?? systemLookup;
  const checkedLookup = (
    hostname: string,
    lookupOptions: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const verdicts = addresses.map((entry) => ({ entry, verdict: checkAddress(allow, entry.address) }));
      const allowed = verdicts.filter(({ verdict }) => verdict.kind === 'allowed').map(({ entry }) => entry);
      const refused = verdicts.find(({ verdict }) => verdict.kind === 'refused')?.verdict;
      if (allowed.length === 0 && refused?.kind === 'refused') {
        return callback(new RefusedTargetError(refused), []);
      }
      if (lookupOptions.all) return callback(null, allowed);
      const [first] = allowed;
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
  const checked = buildConnector({
    timeout: options.timeoutMs,
    lookup: checkedLookup,
  });
  const plain = buildConnector({
    timeout: options.timeoutMs,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 && !isHostAllowed(allow, host)) {
      const verdict = checkAddress(allow, host);
      if (verdict.kind === 'refused') {
        callback(new RefusedTargetError(verdict), null);
        return;
      }
    } else if (isHostAllowed(allow, host)) {
      // Named in the allow list: whatever it resolves to (a container name resolves to a private address).
      return plain(connectOptions, callback);
    }
    return checked(connectOptions, callback);
  };
}
