import { discordPayloadProblems, isDiscordWebhookUrl, TaskValidationError } from '@scheduler/core';

/**
 * SPEC §14: a payload for a Discord webhook is checked against Discord's limits
 * before it is saved or sent (create, update, a retry with an edited payload),
 * each breach named by its JSON path. Other webhooks take any JSON.
 */
export function assertDiscordPayload(webhookUrl: string, payload: unknown): void {
  if (!isDiscordWebhookUrl(webhookUrl)) return;
  const problems = discordPayloadProblems(payload);
  if (problems.length === 0) return;
  const details = new Map<string, string>();
  for (const problem of problems) if (!details.has(problem.path)) details.set(problem.path, problem.message);
  throw new TaskValidationError(
    problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '),
    'VALIDATION_ERROR',
    Object.fromEntries(details),
  );
}
