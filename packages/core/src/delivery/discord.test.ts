import { describe, expect, it } from 'vitest';
import { discordPayloadProblems, isDiscordWebhookUrl } from './discord';

describe('isDiscordWebhookUrl', () => {
  it.each([
    ['https://discord.com/api/webhooks/123/abc', true],
    ['https://discord.com/api/v10/webhooks/123/abc', true],
    ['https://canary.discord.com/api/webhooks/123/abc?wait=true', true],
    ['http://127.0.0.1:4000/api/v9/webhooks/1/token/', true],
    ['https://discord.com/api/webhooks/123', false],
    ['https://example.com/webhooks/123/abc', false],
    ['https://discord.com/api/webhooks/123/abc/slack', false],
    ['not a url', false],
  ])('%s: %s', (url, expected) => {
    expect(isDiscordWebhookUrl(url)).toBe(expected);
  });
});

const field = (value: string) => ({ name: 'n', value });

describe('discordPayloadProblems', () => {
  it('takes a payload within every limit', () => {
    expect(
      discordPayloadProblems({
        content: 'x'.repeat(2000),
        username: 'Reporter',
        embeds: [{ title: 't', description: 'd', fields: [field('v')], footer: { text: 'f' } }],
      }),
    ).toEqual([]);
  });

  it.each([
    [
      'content over 2,000 characters',
      { content: 'x'.repeat(3000) },
      'json_payload.content: 3,000 characters; Discord allows at most 2,000',
    ],
    [
      'a field value over 1,024',
      { embeds: [{ fields: [field('a'), field('b'), field('c'), field('x'.repeat(1240))] }] },
      'json_payload.embeds[0].fields[3].value: 1,240 characters; Discord allows at most 1,024',
    ],
    [
      '11 embeds',
      { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) },
      'json_payload.embeds: 11 embeds; Discord allows at most 10',
    ],
    [
      'a title over 256',
      { embeds: [{ title: 'x'.repeat(257) }] },
      'json_payload.embeds[0].title: 257 characters; Discord allows at most 256',
    ],
    [
      'a description over 4,096',
      { embeds: [{ description: 'x'.repeat(4097) }] },
      'json_payload.embeds[0].description: 4,097 characters; Discord allows at most 4,096',
    ],
    [
      '26 fields',
      { embeds: [{ fields: Array.from({ length: 26 }, () => field('v')) }] },
      'json_payload.embeds[0].fields: 26 fields; Discord allows at most 25',
    ],
    [
      'a field name over 256',
      { embeds: [{ fields: [{ name: 'x'.repeat(300), value: 'v' }] }] },
      'json_payload.embeds[0].fields[0].name: 300 characters; Discord allows at most 256',
    ],
    [
      'a footer over 2,048',
      { embeds: [{ footer: { text: 'x'.repeat(2049) } }] },
      'json_payload.embeds[0].footer.text: 2,049 characters; Discord allows at most 2,048',
    ],
    [
      'an author name over 256',
      { embeds: [{ author: { name: 'x'.repeat(257) } }] },
      'json_payload.embeds[0].author.name: 257 characters; Discord allows at most 256',
    ],
    [
      'over 6,000 characters of embed text',
      { embeds: [{ description: 'x'.repeat(4000) }, { description: 'y'.repeat(2500) }] },
      'json_payload.embeds: 6,500 characters of embed text in all; Discord allows at most 6,000',
    ],
    [
      'a username over 80',
      { content: 'hi', username: 'x'.repeat(81) },
      'json_payload.username: 81 characters; Discord allows at most 80',
    ],
    [
      'a username containing Discord',
      { content: 'hi', username: 'My DISCORD bot' },
      'json_payload.username: contains "discord"; Discord refuses usernames containing "discord" or "clyde" (in any case)',
    ],
    [
      'a username containing clyde',
      { content: 'hi', username: 'Clyde' },
      'json_payload.username: contains "clyde"; Discord refuses usernames containing "discord" or "clyde" (in any case)',
    ],
    [
      'no content at all',
      { username: 'Reporter' },
      'json_payload: no content, embeds, components or poll; Discord needs at least one of them',
    ],
    [
      'an array',
      [{ content: 'hi' }],
      'json_payload: a JSON array; Discord expects a JSON object (content, embeds, …)',
    ],
  ])('refuses %s', (_what, payload, expected) => {
    expect(discordPayloadProblems(payload).map((p) => `${p.path}: ${p.message}`)).toContain(expected);
  });

  it('counts characters as Discord does: an emoji is one', () => {
    expect(discordPayloadProblems({ content: '🎉'.repeat(2000) })).toEqual([]);
  });
});
