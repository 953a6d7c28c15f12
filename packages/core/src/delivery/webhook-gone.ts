import { isDiscordWebhookUrl } from './discord';

/**
 * Discord's JSON error codes that say a webhook will never take a message again
 * (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
 */
const DISCORD_GONE_CODES: Readonly<Record<number, string>> = {
  10015: 'Unknown Webhook: the webhook was deleted',
  50027: 'Invalid Webhook Token: the webhook’s token is no longer valid',
};

/**
 * SPEC §14: whether an answer says the webhook is gone for good, and if so why — the
 * reason its task is disabled with. A Discord webhook answering code 10015 (with its 404)
 * or 50027 (with its 401) is gone; so is any webhook answering 410 Gone. Undefined for
 * every other answer: retrying, or a user's look, may still help.
 */
export function webhookGoneReason(webhookUrl: string, httpStatus: number, body: string): string | undefined {
  if (isDiscordWebhookUrl(webhookUrl)) {
    const code = discordErrorCode(body);
    const meaning = code === undefined ? undefined : DISCORD_GONE_CODES[code];
    if (meaning) return `Discord answered HTTP ${httpStatus} with code ${code} (${meaning})`;
  }
  if (httpStatus === 410) return 'the webhook answered HTTP 410 Gone: it no longer exists';
  return undefined;
}

function discordErrorCode(body: string): number | undefined {
  try {
    const answer = JSON.parse(body) as { code?: unknown };
    return typeof answer.code === 'number' ? answer.code : undefined;
  } catch {
    return undefined;
  }
}
