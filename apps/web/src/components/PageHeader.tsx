import type { ReactNode } from 'react';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        {/* A task's name runs up to 200 characters: it wraps, even inside a long word or URL, rather than
            being cut off. tabIndex -1: focus can be put here when what had it goes away (a deleted row). */}
        <h1
          tabIndex={-1}
          className="text-xl font-semibold break-words text-slate-900 outline-none dark:text-slate-100"
        >
          {title}
        </h1>
        {description && <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </header>
  );
}

/**
 * Where focus goes when what had it goes away (a deleted row, a page left behind): the page's
 * heading, or the page itself while it has none yet (still loading).
 */
export function pageFocusTarget(): HTMLElement | null {
  const main = document.getElementById('main');
  return main?.querySelector<HTMLElement>('h1[tabindex]') ?? main;
}
