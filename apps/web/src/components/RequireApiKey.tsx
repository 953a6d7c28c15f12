import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useAppSelector } from '../app/hooks';
import { selectHasApiKey } from '../features/settings/settingsSlice';
import { buttonPrimary, cardClass } from './ui';

/** Every page but Settings needs the API key: without one, say so and point to Settings. */
export function RequireApiKey({ children }: { children: ReactNode }) {
  const hasKey = useAppSelector(selectHasApiKey);
  if (hasKey) return children;
  return (
    <section className={`${cardClass} mx-auto max-w-lg p-6 text-center`} aria-labelledby="connect-title">
      <h2 id="connect-title" className="text-lg font-semibold text-slate-900 dark:text-slate-100">
        Connect to the API
      </h2>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
        The dashboard needs the API key (<code>API_KEY</code> in the server's <code>.env</code>) before it can
        show your tasks.
      </p>
      <Link to="/settings" className={`${buttonPrimary} mt-4`}>
        Open Settings
      </Link>
    </section>
  );
}
