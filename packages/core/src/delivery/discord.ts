/**
 * SPEC §14 Discord webhooks: recognised by their path on any host (Discord, and the
 * services and test doubles that copy its API), and their payloads checked against
 * Discord's documented limits before they are saved, each breach named by JSON path.
 */
const DISCORD_PATH = /^\/api(?:\/v\d+)?\/webhooks\/[^/]+\/[^/]+\/?$/;

export function isDiscordWebhookUrl(webhookUrl: string): boolean {
  try {
    return DISCORD_PATH.test(new URL(webhookUrl).pathname);
  } catch {
    return false;
  }
}

/** One breach: where, and what Discord allows. */
export interface DiscordProblem {
  path: string;
  message: string;
}

const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedText: 6000,
  username: 80,
} as const;

const count = (n: number) => n.toLocaleString('en-US');
/** Discord counts characters, not UTF-16 units: an emoji is one. */
const length = (text: string) => [...text].length;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every way `payload` breaks Discord's limits, in document order; none for a payload
 * Discord takes. `root` prefixes the paths (`json_payload`).
 */
export function discordPayloadProblems(payload: unknown, root = 'json_payload'): DiscordProblem[] {
  if (!isObject(payload)) {
    return [{ path: root, message: 'a JSON array; Discord expects a JSON object (content, embeds, …)' }];
  }
  const problems: DiscordProblem[] = [];
  const tooLong = (path: string, value: unknown, max: number) => {
    if (typeof value === 'string' && length(value) > max) {
      problems.push({
        path,
        message: `${count(length(value))} characters; Discord allows at most ${count(max)}`,
      });
    }
  };
  tooLong(`${root}.content`, payload.content, LIMITS.content);
  if (typeof payload.username === 'string') {
    tooLong(`${root}.username`, payload.username, LIMITS.username);
    const word = ['discord', 'clyde'].find((name) =>
      payload.username?.toString().toLowerCase().includes(name),
    );
    if (word) {
      problems.push({
        path: `${root}.username`,
        message: `contains "${word}"; Discord refuses usernames containing "discord" or "clyde" (in any case)`,
      });
    }
  }
  const embeds = Array.isArray(payload.embeds) ? payload.embeds : [];
  if (embeds.length > LIMITS.embeds) {
    problems.push({
      path: `${root}.embeds`,
      message: `${count(embeds.length)} embeds; Discord allows at most ${LIMITS.embeds}`,
    });
  }
  let embedText = 0;
  const text = (value: unknown) => (typeof value === 'string' ? length(value) : 0);
  embeds.forEach((embed: unknown, i) => {
    if (!isObject(embed)) return;
    const at = `${root}.embeds[${i}]`;
    tooLong(`${at}.title`, embed.title, LIMITS.title);
    tooLong(`${at}.description`, embed.description, LIMITS.description);
    embedText += text(embed.title) + text(embed.description);
    const fields = Array.isArray(embed.fields) ? embed.fields : [];
    if (fields.length > LIMITS.fields) {
      problems.push({
        path: `${at}.fields`,
        message: `${count(fields.length)} fields; Discord allows at most ${LIMITS.fields}`,
      });
    }
    fields.forEach((field: unknown, j) => {
      if (!isObject(field)) return;
      tooLong(`${at}.fields[${j}].name`, field.name, LIMITS.fieldName);
      tooLong(`${at}.fields[${j}].value`, field.value, LIMITS.fieldValue);
      embedText += text(field.name) + text(field.value);
    });
    if (isObject(embed.footer)) {
      tooLong(`${at}.footer.text`, embed.footer.text, LIMITS.footerText);
      embedText += text(embed.footer.text);
    }
    if (isObject(embed.author)) {
      tooLong(`${at}.author.name`, embed.author.name, LIMITS.authorName);
      embedText += text(embed.author.name);
    }
  });
  if (embedText > LIMITS.embedText) {
    problems.push({
      path: `${root}.embeds`,
      message: `${count(embedText)} characters of embed text in all; Discord allows at most ${count(LIMITS.embedText)}`,
    });
  }
  const present = (value: unknown) =>
    value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
  if (!['content', 'embeds', 'components', 'poll'].some((key) => present(payload[key]))) {
    problems.push({
      path: root,
      message: 'no content, embeds, components or poll; Discord needs at least one of them',
    });
  }
  return problems;
}
