import { Command } from '@commander-js/extra-typings';
import type { DestinationView } from '@scheduler/services';
import { jsonOption, print, withContext } from './tasks.command';

/** A limit as typed: a number, or `default` (kept as the word: Commander turns a parser's null into ''); anything else goes to validation as is. */
function limitValue(value: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/** What the API takes for a limit: `default` clears it (null: the default applies). */
const asLimit = (value: number | string | undefined) => (value === 'default' ? null : value);

function formatDestination(d: DestinationView): string {
  const rate = d.rate_limit_max === null ? 'no rate' : `${d.rate_limit_max}/${d.rate_limit_per_seconds} s`;
  const held = d.held_until
    ? `held until ${d.held_until.toISOString()} (${d.held_reason ?? ''})`
    : 'not held';
  return `${d.key}  max ${d.max_concurrency} in flight, ${rate}  · ${d.in_flight} in flight, ${d.waiting} waiting, ${d.recent_429s} 429s in the last hour · ${held}`;
}

export function destinationsCommand(): Command {
  const destinations = new Command('destinations').description(
    'where webhooks go (an origin, or a Discord webhook): limits, holds, runs waiting',
  );

  destinations
    .command('list')
    .description('list destinations with their limits in force and their state')
    .addOption(jsonOption())
    .action((options) =>
      withContext(async ({ destinationService }) => {
        const list = await destinationService.list();
        print({ data: list }, options.json, () =>
          list.length === 0 ? 'no destinations' : list.map(formatDestination).join('\n'),
        );
      }),
    );

  destinations
    .command('set')
    .description('set limits of a destination (`default` clears one)')
    .argument('<key>', 'an origin such as https://example.com, or discord:<webhook id>')
    .option('--max-concurrency <n>', 'requests in flight at once, across all workers', limitValue)
    .option('--rate-limit-max <n>', 'requests per --rate-limit-per-seconds', limitValue)
    .option('--rate-limit-per-seconds <n>', 'the window of --rate-limit-max, in seconds', limitValue)
    .addOption(jsonOption())
    .action((key, options) =>
      withContext(async ({ destinationService }) => {
        const body = Object.fromEntries(
          Object.entries({
            max_concurrency: asLimit(options.maxConcurrency),
            rate_limit_max: asLimit(options.rateLimitMax),
            rate_limit_per_seconds: asLimit(options.rateLimitPerSeconds),
          }).filter(([, value]) => value !== undefined),
        );
        const destination = await destinationService.set(key, body);
        print(destination, options.json, () => formatDestination(destination));
      }),
    );

  destinations
    .command('reset')
    .description("forget a destination's own limits: the defaults apply again")
    .argument('<key>', 'an origin such as https://example.com, or discord:<webhook id>')
    .action((key) =>
      withContext(async ({ destinationService }) => {
        await destinationService.reset(key);
        print(null, false, () => `${key}: default limits`);
      }),
    );

  return destinations;
}
