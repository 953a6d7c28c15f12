import { describe, expect, it } from 'vitest';
import { destinationOf, isDiscordDestination, parseDestinationKey } from './destination';

describe('destinationOf', () => {
  it.each([
    ['https://discord.com/api/webhooks/123456/tok-en_x', 'discord:123456'],
    ['https://discord.com/api/v10/webhooks/123456/token?wait=true', 'discord:123456'],
    ['http://127.0.0.1:4100/api/webhooks/99/abc', 'discord:99'],
    ['https://ptb.discord.com/api/v9/webhooks/42/t/', 'discord:42'],
    ['https://example.com/hooks/a?b=c', 'https://example.com:443'],
    ['http://Example.com:80/x', 'http://example.com:80'],
    ['http://127.0.0.1:4000/webhook', 'http://127.0.0.1:4000'],
    ['http://[::1]:4000/webhook', 'http://[::1]:4000'],
    ['https://example.com/api/webhooks/notanid/token', 'https://example.com:443'],
    ['https://example.com/api/webhooks/1/token/github', 'https://example.com:443'],
  ])('%s is %s', (url, key) => {
    expect(destinationOf(url)).toBe(key);
  });

  it.each(['not a url', 'ftp://example.com/x', ''])('%j has none', (url) => {
    expect(destinationOf(url)).toBeUndefined();
  });

  it('tells a Discord destination', () => {
    expect(isDiscordDestination('discord:1')).toBe(true);
    expect(isDiscordDestination('https://discord.com:443')).toBe(false);
  });
});

describe('parseDestinationKey', () => {
  it.each([
    ['discord:123', 'discord:123'],
    ['https://example.com', 'https://example.com:443'],
    ['https://example.com/', 'https://example.com:443'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000'],
  ])('%s reads as %s', (text, key) => {
    expect(parseDestinationKey(text)).toBe(key);
  });

  it.each([
    'discord:',
    'discord:abc',
    'example.com',
    'https://example.com/path',
    'mailto:a@b.c',
    'https://u:p@example.com',
    '',
  ])('%j is not a destination', (text) => {
    expect(parseDestinationKey(text)).toBeUndefined();
  });
});
