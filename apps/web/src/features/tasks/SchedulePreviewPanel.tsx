import { displayTimeZone, formatInstant, formatRelative } from '../../lib/time';
import type { SchedulePreview } from './schedule-preview';

interface SchedulePreviewPanelProps {
  id: string;
  preview: SchedulePreview;
  now: Date;
}

/** Under the cron input: the parser's error, or the schedule in words and its next due instants. */
export function SchedulePreviewPanel({ id, preview, now }: SchedulePreviewPanelProps) {
  switch (preview.kind) {
    case 'empty':
      return (
        <p id={id} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          Five fields (minute hour day month weekday), six with seconds first, or @hourly, @daily, @weekly,
          @monthly, @yearly.
        </p>
      );
    case 'invalid':
      return (
        <p id={id} className="mt-1 text-sm text-rose-600 dark:text-rose-400">
          {preview.message}
        </p>
      );
    case 'valid':
      return (
        <div
          id={id}
          className="mt-2 rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-800/50 dark:ring-slate-700"
        >
          <p className="font-medium text-slate-800 dark:text-slate-100" data-testid="schedule-description">
            {preview.description}
          </p>
          {preview.nextRuns.length === 0 ? (
            <p className="mt-1 text-slate-500 dark:text-slate-400">This schedule never comes due again.</p>
          ) : (
            <>
              <p className="mt-2 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
                Next due, shown in {displayTimeZone()}
              </p>
              <ol aria-label="Next due instants" className="mt-1 space-y-0.5 font-mono text-xs">
                {preview.nextRuns.map((date) => (
                  <li key={date.getTime()} className="flex flex-wrap justify-between gap-x-4">
                    <time dateTime={date.toISOString()}>{formatInstant(date)}</time>
                    <span className="text-slate-500 dark:text-slate-400">{formatRelative(date, now)}</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      );
  }
}
