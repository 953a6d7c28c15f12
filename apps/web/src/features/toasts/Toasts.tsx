import { useEffect } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectToasts, toastDismissed, type Toast } from './toastsSlice';

const look: Record<Toast['kind'], string> = {
  success: 'border-l-emerald-500',
  error: 'border-l-rose-500',
  info: 'border-l-sky-500',
};

function ToastItem({ toast }: { toast: Toast }) {
  const dispatch = useAppDispatch();
  useEffect(() => {
    // Errors stay longer: they usually carry a message worth reading.
    const timer = window.setTimeout(
      () => dispatch(toastDismissed(toast.id)),
      toast.kind === 'error' ? 8000 : 4000,
    );
    return () => window.clearTimeout(timer);
  }, [dispatch, toast.id, toast.kind]);
  return (
    <li
      className={`pointer-events-auto flex items-start gap-3 rounded-md border-l-4 bg-white p-3 text-sm text-slate-800 shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700 ${look[toast.kind]}`}
    >
      <p className="min-w-0 flex-1 break-words">{toast.message}</p>
      <button
        type="button"
        aria-label="Dismiss notification"
        className="rounded px-1 text-slate-400 hover:text-slate-700 dark:hover:text-slate-200"
        onClick={() => dispatch(toastDismissed(toast.id))}
      >
        ×
      </button>
    </li>
  );
}

/** Action results ("Task created", "Could not delete: …"), announced politely to screen readers. */
export function Toasts() {
  const toasts = useAppSelector(selectToasts);
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 w-80 max-w-[calc(100vw-2rem)]"
    >
      <ul className="flex flex-col gap-2">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} />
        ))}
      </ul>
    </div>
  );
}
