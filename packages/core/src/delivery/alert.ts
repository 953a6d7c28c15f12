import { isDiscordWebhookUrl } from './discord';

/** SPEC §14's alert types. */
export const alertTypes = [
  'task.failed',
  'task.disabled',
  'task.recovered',
  'task.late',
  'task.late_recovered',
  'digest',
] as const;
export type AlertType = (typeof alertTypes)[number];
/** An alert about one task: every type but the digest, which sums others. */
export type TaskAlertType = Exclude<AlertType, 'digest'>;

export interface TaskAlert {
  type: TaskAlertType;
  task: { id: string; task_name: string };
  /** The run it is about; null when none (a late run not yet started). */
  runId: string | null;
  message: string;
  at: Date;
}

/** The alerts over ALERT_MAX_PER_MINUTE, summed in one message when the minute ends. */
export interface DigestAlert {
  type: 'digest';
  alerts: TaskAlert[];
  /** The limit they were over. */
  maxPerMinute: number;
  at: Date;
}

export type Alert = TaskAlert | DigestAlert;

/**
 * What a run's end changes of its task's health, as alerts count it: the alert it raises,
 * if any. One alert per change: a task failing run after run raises task.failed once, and
 * task.recovered comes with its first `finish` run after that. A run whose webhook is gone
 * disables its task and raises task.disabled alone (not task.failed beside it).
 */
export function healthChange(
  wasFailing: boolean,
  runStatus: 'finish' | 'failed',
  disabled: boolean,
): 'task.failed' | 'task.disabled' | 'task.recovered' | undefined {
  if (disabled) return 'task.disabled';
  if (runStatus === 'failed') return wasFailing ? undefined : 'task.failed';
  return wasFailing ? 'task.recovered' : undefined;
}

/** Discord's limits an alert message keeps within (SPEC §14's payload checks). */
const DISCORD_CONTENT = 2000;
const DISCORD_TITLE = 256;
const DISCORD_DESCRIPTION = 4096;
const DISCORD_FIELD_VALUE = 1024;
/** Embed colours: red for trouble, green for a recovery, amber for lateness, blue for a digest. */
const COLOURS: Record<AlertType, number> = {
  'task.failed': 0xd93025,
  'task.disabled': 0xd93025,
  'task.recovered': 0x188038,
  'task.late': 0xf29900,
  'task.late_recovered': 0x188038,
  digest: 0x1a73e8,
};
const HEADLINES: Record<TaskAlertType, string> = {
  'task.failed': 'failed',
  'task.disabled': 'was disabled',
  'task.recovered': 'recovered',
  'task.late': 'is late',
  'task.late_recovered': 'is late no more',
};

/** The JSON an alert is sent as: `{ type, task, run_id, message, at }`; a digest adds its alerts. */
export function alertJson(alert: Alert): Record<string, unknown> {
  if (alert.type === 'digest') {
    return {
      type: 'digest',
      task: null,
      run_id: null,
      message: digestMessage(alert),
      at: alert.at.toISOString(),
      alerts: alert.alerts.map(alertJson),
    };
  }
  return {
    type: alert.type,
    task: { id: alert.task.id, task_name: alert.task.task_name },
    run_id: alert.runId,
    message: alert.message,
    at: alert.at.toISOString(),
  };
}

/** A Discord message: `content` and one embed, within Discord's limits. */
export function alertDiscordMessage(alert: Alert): Record<string, unknown> {
  if (alert.type === 'digest') {
    const lines = alert.alerts.map(
      (a) => `• **${a.type}** “${a.task.task_name}” at ${a.at.toISOString()}: ${a.message}`,
    );
    return {
      content: clip(`**digest**: ${digestMessage(alert)}`, DISCORD_CONTENT),
      embeds: [
        {
          title: clip(
            `${alert.alerts.length} more ${alert.alerts.length === 1 ? 'alert' : 'alerts'}`,
            DISCORD_TITLE,
          ),
          description: clip(lines.join('\n'), DISCORD_DESCRIPTION),
          color: COLOURS.digest,
          timestamp: alert.at.toISOString(),
          footer: { text: 'Task Scheduler · digest' },
        },
      ],
    };
  }
  const fields = [{ name: 'Task id', value: alert.task.id, inline: true }];
  if (alert.runId) fields.push({ name: 'Run id', value: alert.runId, inline: true });
  return {
    content: clip(`**${alert.type}**: “${alert.task.task_name}” ${HEADLINES[alert.type]}`, DISCORD_CONTENT),
    embeds: [
      {
        title: clip(alert.task.task_name, DISCORD_TITLE),
        description: clip(alert.message, DISCORD_DESCRIPTION),
        color: COLOURS[alert.type],
        fields: fields.map((f) => ({ ...f, value: clip(f.value, DISCORD_FIELD_VALUE) })),
        timestamp: alert.at.toISOString(),
        footer: { text: `Task Scheduler · ${alert.type}` },
      },
    ],
  };
}

/** The body an alert is sent with to `url`: a Discord message for a Discord webhook, JSON otherwise. */
export function alertBody(alert: Alert, url: string): Record<string, unknown> {
  return isDiscordWebhookUrl(url) ? alertDiscordMessage(alert) : alertJson(alert);
}

function digestMessage(alert: DigestAlert): string {
  const count = alert.alerts.length;
  const byType = new Map<string, number>();
  for (const a of alert.alerts) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
  const summary = [...byType].map(([type, n]) => `${n} ${type}`).join(', ');
  return `${count} ${count === 1 ? 'alert' : 'alerts'} over the limit of ${alert.maxPerMinute} a minute: ${summary}`;
}

/** At most `max` characters (as Discord counts them), an ellipsis marking a cut. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
