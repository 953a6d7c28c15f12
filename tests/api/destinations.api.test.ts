import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { limitsChangedChannel } from '@scheduler/queue';
import { testRedis, waitFor } from '@scheduler/test-support';
import { errorShape, type RunningApi, startApi } from './api-harness';

// SPEC §12: GET/PUT/DELETE /api/destinations.
let api: RunningApi;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.stop());

interface Destination {
  key: string;
  max_concurrency: number;
  rate_limit_max: number | null;
  rate_limit_per_seconds: number | null;
  in_flight: number;
  held_until: string | null;
  held_reason: string | null;
  waiting: number;
  recent_429s: number;
}

const list = async () => {
  const response = await api.request<{ data: Destination[] }>('GET', '/api/destinations');
  expect(response.status).toBe(200);
  return response.body.data;
};
const path = (key: string) => `/api/destinations/${encodeURIComponent(key)}`;

describe('destinations', () => {
  test('every destination a task aims at is listed with the default limits, an origin and a Discord webhook apart', async () => {
    await api.createTask({ webhook_url: 'https://hooks.example.com/a' });
    await api.createTask({ webhook_url: 'https://hooks.example.com/b?x=1' });
    await api.createTask({ webhook_url: 'https://discord.com/api/webhooks/1234567890/token-abc' });
    const destinations = await list();
    expect(destinations).toEqual(
      expect.arrayContaining([
        {
          key: 'https://hooks.example.com:443',
          max_concurrency: 10,
          rate_limit_max: null,
          rate_limit_per_seconds: null,
          in_flight: 0,
          held_until: null,
          held_reason: null,
          waiting: 0,
          recent_429s: 0,
        },
        expect.objectContaining({ key: 'discord:1234567890', max_concurrency: 10 }),
      ]),
    );
    expect(destinations.filter((d) => d.key === 'https://hooks.example.com:443')).toHaveLength(1);
  });

  test('PUT with a URL-encoded origin (:// in the path) sets its limits: 200 and the destination in force; null clears one', async () => {
    const set = await api.request<Destination>('PUT', path('https://limits.example.com'), {
      body: { max_concurrency: 2, rate_limit_max: 5, rate_limit_per_seconds: 2 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      key: 'https://limits.example.com:443',
      max_concurrency: 2,
      rate_limit_max: 5,
      rate_limit_per_seconds: 2,
      held_until: null,
    });
    expect((await list()).find((d) => d.key === 'https://limits.example.com:443')).toMatchObject({
      max_concurrency: 2,
    });
    const cleared = await api.request<Destination>('PUT', path('https://limits.example.com:443'), {
      body: { max_concurrency: null },
    });
    expect(cleared.body).toMatchObject({ max_concurrency: 10, rate_limit_max: 5 });
  });

  test('PUT and DELETE announce the change, so every worker applies it at once', async () => {
    const subscriber = testRedis();
    const heard: string[] = [];
    try {
      subscriber.on('message', (channel: string) => heard.push(channel));
      await subscriber.subscribe(limitsChangedChannel(api.prefix));
      await api.request('PUT', path('discord:43'), { body: { max_concurrency: 2 } });
      await waitFor('the PUT announced', async () => heard.length === 1, 5000);
      await api.request('DELETE', path('discord:43'));
      await waitFor('the DELETE announced', async () => heard.length === 2, 5000);
      // A refused change is not announced.
      await api.request('PUT', path('discord:43'), { body: { max_concurrency: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([limitsChangedChannel(api.prefix), limitsChangedChannel(api.prefix)]);
    } finally {
      await subscriber.quit();
    }
  });

  test('the API listens for changed limits from its start (its own sends go through flow control)', async () => {
    const redis = testRedis();
    try {
      const [, listeners] = (await redis.pubsub('NUMSUB', limitsChangedChannel(api.prefix))) as [
        string,
        number,
      ];
      expect(listeners).toBe(1);
      expect(api.process.output()).not.toMatch(/could not listen for changed limits/);
    } finally {
      await redis.quit();
    }
  });

  test('DELETE: 204, and the defaults apply again', async () => {
    await api.request('PUT', path('discord:42'), { body: { max_concurrency: 1 } });
    const deleted = await api.request('DELETE', path('discord:42'));
    expect(deleted.status).toBe(204);
    expect((await list()).find((d) => d.key === 'discord:42')).toBeUndefined();
  });

  test.each([
    ['0', { max_concurrency: 0 }, 'max_concurrency'],
    ['negative', { max_concurrency: -3 }, 'max_concurrency'],
    ['not whole', { rate_limit_max: 1.5, rate_limit_per_seconds: 1 }, 'rate_limit_max'],
    ['over the maximum', { max_concurrency: 1_000_000 }, 'max_concurrency'],
    ['a window over a day', { rate_limit_max: 1, rate_limit_per_seconds: 100_000 }, 'rate_limit_per_seconds'],
    ['a string', { max_concurrency: '5' }, 'max_concurrency'],
    ['a rate without its window', { rate_limit_max: 5 }, 'rate_limit_per_seconds'],
    ['an unknown field', { max_inflight: 5 }, 'max_inflight'],
  ])('a limit %s: 400 naming the field', async (_what, body, field) => {
    const response = await api.request<{ error: { details: Record<string, string> } }>(
      'PUT',
      path('https://bad.example.com'),
      { body },
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject(errorShape('VALIDATION_ERROR'));
    expect(Object.keys(response.body.error.details)).toContain(field);
  });

  test('half a rate cleared: 400 saying both go together, naming the half left; both cleared: 200', async () => {
    await api.request('PUT', path('discord:43'), { body: { rate_limit_max: 5, rate_limit_per_seconds: 2 } });
    const half = await api.request<{ error: { message: string; details: Record<string, string> } }>(
      'PUT',
      path('discord:43'),
      { body: { rate_limit_max: null } },
    );
    expect(half.status).toBe(400);
    expect(half.body.error.details.rate_limit_per_seconds).toBe(
      'a rate is rate_limit_max requests per rate_limit_per_seconds seconds, cleared whole: expected rate_limit_per_seconds: null as well',
    );
    expect((await list()).find((d) => d.key === 'discord:43')).toMatchObject({ rate_limit_max: 5 });
    const both = await api.request<{ rate_limit_max: number | null }>('PUT', path('discord:43'), {
      body: { rate_limit_max: null, rate_limit_per_seconds: null },
    });
    expect(both.status).toBe(200);
    expect(both.body.rate_limit_max).toBeNull();
  });

  test.each(['not a destination', 'ftp://example.com', 'https://example.com/some/path', 'discord:abc'])(
    'a key that is no destination (%s): 400 naming key',
    async (key) => {
      const response = await api.request<{ error: { details: Record<string, string> } }>('PUT', path(key), {
        body: { max_concurrency: 1 },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toHaveProperty('key');
      expect((await api.request('DELETE', path(key))).status).toBe(400);
    },
  );

  test('a held destination shows until when and why, its runs waiting and its recent 429s', async () => {
    const redis = testRedis();
    try {
      const dest = `${api.prefix}:fc:dest:discord:1234567890`;
      const until = Date.now() + 60_000;
      await redis.hset(dest, 'hold_until', until, 'hold_reason', 'HTTP 429 with retry_after 60 s');
      await redis.zadd(`${dest}:waiting`, until + 5000, 'job-1', until + 5000, 'job-2');
      await redis.zadd(`${dest}:429s`, Date.now(), 'lease-1');
      const held = (await list()).find((d) => d.key === 'discord:1234567890');
      expect(held).toMatchObject({
        held_until: new Date(until).toISOString(),
        held_reason: 'HTTP 429 with retry_after 60 s',
        waiting: 2,
        recent_429s: 1,
      });
    } finally {
      await redis.quit();
    }
  });
});
