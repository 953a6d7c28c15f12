/** Shared Tailwind class lists, so every button and field looks and focuses the same way. */

const focusRing =
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:focus-visible:outline-indigo-400';

const buttonBase = `inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium shadow-xs transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${focusRing}`;

export const buttonPrimary = `${buttonBase} bg-indigo-600 text-white hover:bg-indigo-500`;
export const buttonSecondary = `${buttonBase} bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600 dark:hover:bg-slate-700`;
export const buttonDanger = `${buttonBase} bg-rose-600 text-white hover:bg-rose-500`;
export const buttonGhost = `inline-flex items-center rounded px-2 py-1 text-sm font-medium text-indigo-600 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-400 dark:hover:bg-slate-800 ${focusRing}`;
export const buttonGhostDanger = `inline-flex items-center rounded px-2 py-1 text-sm font-medium text-rose-600 hover:bg-rose-50 disabled:opacity-50 dark:text-rose-400 dark:hover:bg-slate-800 ${focusRing}`;

export const inputClass = `block w-full rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-500 aria-[invalid=true]:ring-rose-500 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600 dark:placeholder:text-slate-500`;
export const labelClass = 'block text-sm font-medium text-slate-700 dark:text-slate-200';
export const hintClass = 'mt-1 text-xs text-slate-500 dark:text-slate-400';
export const fieldErrorClass = 'mt-1 text-sm text-rose-600 dark:text-rose-400';

export const cardClass =
  'rounded-lg bg-white shadow-xs ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800';

export const tableClass = 'min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-800';
export const thClass =
  'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400';
export const tdClass = 'px-3 py-2 align-top text-slate-700 dark:text-slate-300';
export const linkClass = 'font-medium text-indigo-600 hover:underline dark:text-indigo-400';
