import { describe, expect, test } from 'vitest';
import { webhookGoneReason } from './webhook-gone';

const discord = 'https://discord.com/api/webhooks/123/token';
const other = 'https://example.com/hooks/in';

describe('webhookGoneReason', () => {
  test.each([
    [discord, 404, '{"message":"Unknown Webhook","code":10015}', /code 10015 \(Unknown Webhook/],
    [discord, 401, '{"message":"Invalid Webhook Token","code":50027}', /code 50027 \(Invalid Webhook Token/],
    [
      'http://127.0.0.1:4000/api/v10/webhooks/1/t?wait=true',
      404,
      '{"code":10015}',
      /HTTP 404 with code 10015/,
    ],
    [discord, 410, '', /410 Gone/],
    [other, 410, 'gone', /410 Gone/],
  ])('%s answering %i %s is gone', (url, status, body, reason) => {
    expect(webhookGoneReason(url, status, body)).toMatch(reason);
  });

  test.each([
    // Another service's 404 with the same code means nothing: only Discord's codes count.
    [other, 404, '{"code":10015}'],
    [discord, 404, '{"message":"Unknown Channel","code":10003}'],
    [discord, 404, 'not json'],
    [discord, 429, '{"code":50027'],
    [discord, 500, ''],
    [other, 404, ''],
  ])('%s answering %i %s is not gone', (url, status, body) => {
    expect(webhookGoneReason(url, status, body)).toBeUndefined();
  });
});
