// What a run owns, so it can run beside anything (tests, the dev stack, another
// run): its own PostgreSQL databases, created and migrated here and dropped at
// the end, and its own Redis logical database — claimed only if it is empty —
// with a key prefix of its own on top. Only a database this run claimed is
// ever flushed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import IORedis from 'ioredis';
import pg from 'pg';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const { loadConfig, readEnvFile } = await import('../../packages/config/dist/index.js');
const { migrate, withDefaultSslMode } = await import('../../packages/db/dist/index.js');

const CLAIM_KEY = 'bench:claimed-by';
// Atomic: claims the logical database only when it holds no key at all.
const CLAIM_SCRIPT = `if redis.call('DBSIZE') == 0 then redis.call('SET', KEYS[1], ARGV[1]) return 1 end return 0`;

export function databaseUrl(baseUrl, name) {
  const url = new URL(withDefaultSslMode(baseUrl));
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin(baseUrl, fn) {
  const client = new pg.Client({ connectionString: databaseUrl(baseUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Claims the highest-numbered empty Redis logical database other than the one
 * REDIS_URL names; falls back to that one (key prefix only) when none is free.
 */
async function claimRedis(baseRedisUrl, owner) {
  const base = new URL(baseRedisUrl);
  const configured = Number(base.pathname.replace('/', '') || '0');
  const probe = new IORedis(baseRedisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await probe.connect();
  let count = 16;
  try {
    const reply = /** @type {string[]} */ (await probe.config('GET', 'databases'));
    count = Number(reply[1] ?? 16);
  } catch {
    // CONFIG may be disabled; assume the default of 16.
  }
  await probe.quit();
  for (let index = count - 1; index >= 0; index--) {
    if (index === configured) continue;
    const url = new URL(base);
    url.pathname = `/${index}`;
    const client = new IORedis(url.toString(), { maxRetriesPerRequest: 1 });
    const claimed = await client.eval(CLAIM_SCRIPT, 1, CLAIM_KEY, owner);
    if (claimed === 1) return { url: url.toString(), index, claimed: true, client };
    await client.quit();
  }
  return { url: base.toString(), index: configured, claimed: false, client: new IORedis(base.toString()) };
}

/**
 * @typedef {object} RunResources
 * @property {string} id           unique to this run (pid based)
 * @property {string} dbName
 * @property {string} dbUrl        the run's migrated database
 * @property {string} redisUrl     the run's Redis database
 * @property {number} redisIndex
 * @property {boolean} redisClaimed
 * @property {(part: string) => string} prefix  a Redis key prefix of this run's, e.g. prefix('l1')
 * @property {(suffix: string) => Promise<string>} extraDatabase  another migrated database, dropped at the end
 * @property {() => Record<string, string>} productEnv  environment for the product's processes
 * @property {() => Promise<void>} release
 */

/** @returns {Promise<RunResources>} */
export async function acquireResources() {
  const config = loadConfig();
  const id = `bench_${process.pid}`;
  const owner = `${process.pid}@${Date.now()}`;
  const created = [];
  const createDatabase = async (name) => {
    const url = databaseUrl(config.databaseUrl, name);
    await withAdmin(config.databaseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    created.push(name);
    await migrate(url);
    return url;
  };
  const dbName = `scheduler_${id}`;
  const dbUrl = await createDatabase(dbName);
  const redis = await claimRedis(config.redisUrl, owner);
  const base = `bench-${process.pid}`;
  const example = readEnvFile(path.join(root, '.env.example'));
  return {
    id,
    dbName,
    dbUrl,
    redisUrl: redis.url,
    redisIndex: redis.index,
    redisClaimed: redis.claimed,
    prefix: (part) => `${base}.${part}`,
    extraDatabase: (suffix) => createDatabase(`${dbName}_${suffix}`),
    productEnv: () => ({
      // The documented defaults, not whatever the local .env tunes, so runs compare.
      ...example,
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `${base}.product`,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    }),
    async release() {
      const client = redis.client;
      try {
        if (redis.claimed) {
          // Flush only if the database is still ours.
          if ((await client.get(CLAIM_KEY)) === owner) await client.flushdb();
        } else {
          let cursor = '0';
          do {
            const [next, keys] = await client.scan(cursor, 'MATCH', `${base}.*`, 'COUNT', 1000);
            if (keys.length > 0) await client.del(...keys);
            cursor = next;
          } while (cursor !== '0');
        }
      } finally {
        await client.quit().catch(() => client.disconnect());
      }
      await withAdmin(config.databaseUrl, async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}
