import { afterEach, expect, test } from 'vitest';
import { type DiscordReceiver, startDiscordReceiver } from '@scheduler/test-support';

// The test receiver must behave as Discord documents, or the flow-control tests prove nothing.
let receiver: DiscordReceiver | undefined;
afterEach(async () => receiver?.close());

const post = (url: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content":"hi"}' });

test('a bucket of 5 per window: five answers count Remaining down with the five headers, the sixth is a 429 and a violation', async () => {
  receiver = await startDiscordReceiver({ limit: 5, windowMs: 2000 });
  const url = receiver.webhookUrl('111');
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await post(url));
  expect(answers.slice(0, 5).map((a) => a.status)).toEqual([204, 204, 204, 204, 204]);
  expect(answers.slice(0, 5).map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual([
    '4',
    '3',
    '2',
    '1',
    '0',
  ]);
  const first = answers[0]!.headers;
  expect(first.get('x-ratelimit-limit')).toBe('5');
  expect(Number(first.get('x-ratelimit-reset-after'))).toBeGreaterThan(1.9);
  expect(Number(first.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now());
  expect(first.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
  const limited = answers[5]!;
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('2');
  const body = (await limited.json()) as { message: string; retry_after: number; global: boolean };
  expect(body.global).toBe(false);
  expect(body.retry_after).toBeGreaterThan(1);
  expect(body.retry_after).toBeLessThanOrEqual(2);
  expect(body.message).toMatch(/rate limited/);
  expect(receiver.violations('111')).toBe(1);
  expect(receiver.rateLimited()).toBe(1);
  // Another webhook has a bucket of its own.
  expect((await post(receiver.webhookUrl('222'))).status).toBe(204);
  expect(receiver.violations('222')).toBe(0);
});

test('after the reset the bucket is full again, and waiting it out is no violation', async () => {
  receiver = await startDiscordReceiver({ limit: 2, windowMs: 300 });
  const url = receiver.webhookUrl('333');
  expect((await post(url)).status).toBe(204);
  expect((await post(url)).headers.get('x-ratelimit-remaining')).toBe('0');
  await new Promise((resolve) => setTimeout(resolve, 350));
  expect((await post(url)).headers.get('x-ratelimit-remaining')).toBe('1');
  expect(receiver.violations()).toBe(0);
  expect(receiver.delivered('333')).toBe(3);
});

test('past the global limit: 429 with the global flag, across webhooks', async () => {
  receiver = await startDiscordReceiver({ limit: 50, globalLimit: 3 });
  for (const id of ['1', '2', '3']) expect((await post(receiver.webhookUrl(id))).status).toBe(204);
  const limited = await post(receiver.webhookUrl('4'));
  expect(limited.status).toBe(429);
  expect(limited.headers.get('x-ratelimit-global')).toBe('true');
  expect(((await limited.json()) as { global: boolean }).global).toBe(true);
  expect((await post(receiver.webhookUrl('5'))).status).toBe(429);
  expect(receiver.violations()).toBe(1);
});

test('a Discord path with an API version works, and anything else is Unknown Webhook', async () => {
  receiver = await startDiscordReceiver();
  expect((await post(`${receiver.origin}/api/v10/webhooks/77/abc`)).status).toBe(204);
  const unknown = await post(`${receiver.origin}/elsewhere`);
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as { code: number }).code).toBe(10015);
});
