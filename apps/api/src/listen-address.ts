import { isIP } from 'node:net';
import { type Config, EXAMPLE_API_KEY } from '@scheduler/config';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost. */
export function isLoopback(host: string): boolean {
  const address = host.toLowerCase().replace(/^::ffff:/, '');
  if (address === 'localhost' || address === '::1') return true;
  return isIP(address) === 4 && address.startsWith('127.');
}

/**
 * Why the API must not start on this address, if it must not: the key of .env.example
 * is public, so an API that other machines can reach must have a key of its own.
 */
export function exposedExampleKey(config: Pick<Config, 'apiHost' | 'apiKey'>): string | undefined {
  if (isLoopback(config.apiHost) || config.apiKey !== EXAMPLE_API_KEY) return undefined;
  return (
    `API_HOST=${config.apiHost} lets other machines reach the API, and API_KEY is the public example key of .env.example: ` +
    'expected a key of your own. Make one with `openssl rand -hex 32`, set it as API_KEY in .env, ' +
    'or set API_HOST=127.0.0.1 to serve this machine only.'
  );
}
