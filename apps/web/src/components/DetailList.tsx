import type { ReactNode } from 'react';
import { formatAgo, formatInstant, formatRelative } from '../lib/time';

/** One term and its value in a `<dl>` of settings or fields (a task's, a run's). */
export function DetailItem({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="py-2 sm:grid sm:grid-cols-[10rem_minmax(0,1fr)] sm:gap-4">
      <dt className="text-sm font-medium text-slate-500 dark:text-slate-400">{term}</dt>
      <dd className="mt-0.5 text-sm break-words text-slate-800 sm:mt-0 dark:text-slate-200">{children}</dd>
    </div>
  );
}

/** An instant (in the display zone, as everywhere), with how far it is: `ago` for what has happened. */
export function When({ value, now, past = false }: { value: string | null; now: Date; past?: boolean }) {
  if (!value) return <>—</>;
  return (
    <>
      <time dateTime={value}>{formatInstant(value)}</time>{' '}
      <span className="text-slate-600 dark:text-slate-300">
        ({past ? formatAgo(value, now) : formatRelative(value, now)})
      </span>
    </>
  );
}
