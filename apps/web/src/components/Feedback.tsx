import type { ReactNode } from 'react';
import { errorMessage, type RequestError } from '../app/api-error';
import { buttonSecondary } from './ui';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div
      role="status"
      className="flex items-center gap-2 px-4 py-8 text-sm text-slate-500 dark:text-slate-400"
    >
      <span
        aria-hidden="true"
        className="size-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600"
      />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="px-4 py-10 text-center">
      <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-500 dark:text-slate-400">{children}</div>}
    </div>
  );
}

interface ErrorStateProps {
  error: RequestError;
  title?: string;
  onRetry?: () => void;
}

export function ErrorState({ error, title = 'Could not load this', onRetry }: ErrorStateProps) {
  return (
    <div
      role="alert"
      className="m-4 rounded-md bg-rose-50 p-4 text-sm text-rose-800 ring-1 ring-rose-200 dark:bg-rose-950/40 dark:text-rose-200 dark:ring-rose-900"
    >
      <p className="font-medium">{title}</p>
      <p className="mt-1 break-words">{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" className={`${buttonSecondary} mt-3`} onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
