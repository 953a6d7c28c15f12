import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { buttonPrimary, cardClass } from '../components/ui';

export function NotFoundPage() {
  return (
    <section className={`${cardClass} mx-auto max-w-lg p-6 text-center`}>
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-500 dark:text-slate-400">There is nothing at this address.</p>
      <Link to="/" className={`${buttonPrimary} mt-4`}>
        Back to the overview
      </Link>
    </section>
  );
}

/** Shown when rendering a page throws: a bug, not an API error (those are handled on each page). */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <div role="alert" className="mx-auto mt-16 max-w-lg p-6 text-center">
      <h1 className="text-lg font-semibold">The dashboard hit an error</h1>
      <p className="mt-2 text-sm break-words text-slate-600">{message}</p>
      <a href="/" className={`${buttonPrimary} mt-4`}>
        Reload the dashboard
      </a>
    </div>
  );
}
