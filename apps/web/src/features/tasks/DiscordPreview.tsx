import { discordPayloadProblems, isDiscordWebhookUrl } from '@scheduler/core';
import { fieldErrorClass, hintClass } from '../../components/ui';
import { isRecord } from '../../lib/guards';
import { payloadAsSent, type PreviewTask } from './payload-preview';

interface DiscordPreviewProps {
  webhookUrl: string;
  /** The payload as typed. */
  payloadText: string;
  task: PreviewTask;
  /** The instant its placeholders are rendered for: the next run's. */
  at: Date;
  /** The clock Discord's relative times (`<t:…:R>`) count from. */
  now: Date;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** An embed's `color` (an integer, 0xRRGGBB) as CSS; Discord's grey when none. */
function embedColour(value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffff
    ? `#${value.toString(16).padStart(6, '0')}`
    : '#1e1f22';
}

const TIMESTAMP = /<t:(-?\d{1,13})(?::([tTdDfFR]))?>/g;
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** Discord's timestamp tags (`<t:1700000000:R>`) as Discord shows them: a relative time, or a date. */
export function discordTimestamps(content: string, now: Date): string {
  return content.replace(TIMESTAMP, (_tag, seconds: string, style: string | undefined) => {
    const at = new Date(Number(seconds) * 1000);
    if (style === 'R') {
      const delta = (at.getTime() - now.getTime()) / 1000;
      const [unit, size] = units.find(([, s]) => Math.abs(delta) >= s) ?? ['second', 1];
      return relative.format(Math.round(delta / size), unit);
    }
    return at.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: style === 't' ? 'short' : undefined });
  });
}

function Embed({ embed, now }: { embed: Record<string, unknown>; now: Date }) {
  const author = isRecord(embed.author) ? text(embed.author.name) : undefined;
  const footer = isRecord(embed.footer) ? text(embed.footer.text) : undefined;
  const fields = Array.isArray(embed.fields) ? embed.fields.filter(isRecord) : [];
  const title = text(embed.title);
  const description = text(embed.description);
  return (
    <article
      aria-label={`Embed${title ? ` ${title}` : ''}`}
      data-colour={embedColour(embed.color)}
      className="mt-1 max-w-lg rounded border-l-4 bg-[#2b2d31] p-3 text-sm text-slate-200"
      style={{ borderLeftColor: embedColour(embed.color) }}
    >
      {author && <p className="text-xs font-semibold">{author}</p>}
      {title && <p className="font-semibold text-white">{discordTimestamps(title, now)}</p>}
      {description && <p className="mt-1 whitespace-pre-wrap">{discordTimestamps(description, now)}</p>}
      {fields.length > 0 && (
        <dl className="mt-2 grid grid-cols-3 gap-2">
          {fields.map((field, index) => (
            <div key={index} className={field.inline === true ? 'col-span-1' : 'col-span-3'}>
              <dt className="text-xs font-semibold text-white">{text(field.name)}</dt>
              <dd className="whitespace-pre-wrap">
                {text(field.value) && discordTimestamps(String(field.value), now)}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {footer && <p className="mt-2 text-xs text-slate-400">{discordTimestamps(footer, now)}</p>}
    </article>
  );
}

/**
 * SPEC §14: beside the payload of a Discord webhook, the message as Discord will show it
 * (username, avatar, content, embeds), its placeholders rendered for the next run, and the
 * checks the API makes before saving — live, as the payload is typed.
 */
export function DiscordPreview({ webhookUrl, payloadText, task, at, now }: DiscordPreviewProps) {
  if (!isDiscordWebhookUrl(webhookUrl.trim())) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return null;
  }
  if (!isRecord(payload)) return null;
  const problems = discordPayloadProblems(payload);
  const sent = payloadAsSent(payload, task, at);
  const username = text(sent.username) ?? 'Webhook';
  const avatar = text(sent.avatar_url);
  const content = text(sent.content);
  const embeds = Array.isArray(sent.embeds) ? sent.embeds.filter(isRecord) : [];
  return (
    <section aria-label="Discord preview" className="rounded-md bg-[#313338] p-4 text-slate-100">
      <p className="text-xs font-semibold tracking-wide text-slate-400 uppercase">Discord preview</p>
      <div className="mt-2 flex gap-3">
        {avatar ? (
          <img src={avatar} alt={`Avatar of ${username}`} className="h-10 w-10 shrink-0 rounded-full" />
        ) : (
          <div aria-hidden="true" className="h-10 w-10 shrink-0 rounded-full bg-indigo-500" />
        )}
        <div className="min-w-0 flex-1">
          <p>
            <span className="font-semibold text-white" aria-label="Username">
              {username}
            </span>
            <span className="ml-1 rounded bg-indigo-500 px-1 text-[10px] font-semibold">APP</span>
          </p>
          {content && (
            <p aria-label="Content" className="whitespace-pre-wrap break-words">
              {discordTimestamps(content, now)}
            </p>
          )}
          {embeds.map((embed, index) => (
            <Embed key={index} embed={embed} now={now} />
          ))}
        </div>
      </div>
      {problems.length === 0 ? (
        <p className={`${hintClass} text-slate-400!`}>
          Within Discord’s limits. Shown as the next run sends it.
        </p>
      ) : (
        <ul aria-label="Discord limits" className={fieldErrorClass}>
          {problems.map((problem) => (
            <li key={`${problem.path}:${problem.message}`}>
              {problem.path}: {problem.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
