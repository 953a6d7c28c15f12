/**
 * A ready Discord webhook message (https://discord.com/developers/docs/resources/webhook#execute-webhook):
 * `content` is the plain text, the embed renders as a card. Point the task at the channel's webhook URL.
 */
export const discordTemplate = {
  username: 'Task Scheduler',
  content: 'Scheduled reminder from Task Scheduler.',
  embeds: [
    {
      title: 'Daily stand-up',
      description: 'Time for the stand-up: what did you do, what will you do, what is in your way?',
      color: 5793266,
    },
  ],
};

export const discordTemplateText = JSON.stringify(discordTemplate, null, 2);
