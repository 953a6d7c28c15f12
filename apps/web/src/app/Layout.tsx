import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { pageFocusTarget } from '../components/PageHeader';
import { themeChosen, selectTheme, type Theme } from '../features/settings/preferencesSlice';
import { selectHasApiKey } from '../features/settings/settingsSlice';
import { useTheme } from '../features/settings/use-theme';
import { LiveIndicator } from '../features/live/LiveIndicator';
import { useLiveEvents } from '../features/live/use-live-events';
import { Toasts } from '../features/toasts/Toasts';
import { useAppDispatch, useAppSelector } from './hooks';

const sections = [
  { to: '/', label: 'Overview', end: true },
  { to: '/tasks', label: 'Tasks', end: false },
  { to: '/runs', label: 'Runs', end: false },
  { to: '/logs', label: 'Logs', end: false },
  { to: '/destinations', label: 'Destinations', end: false },
  { to: '/settings', label: 'Settings', end: false },
];

/**
 * After a move to another page (a link, or the list a deleted task's page sends you back to),
 * focus goes to the new page's heading, or to the page itself: never left on what is gone.
 */
function useFocusOnNavigation(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    pageFocusTarget()?.focus({ preventScroll: true });
  }, [pathname]);
}

const nextTheme: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const themeIcon: Record<Theme, string> = { system: '◐', light: '☀', dark: '☾' };

function ThemeButton() {
  const theme = useAppSelector(selectTheme);
  const dispatch = useAppDispatch();
  return (
    <button
      type="button"
      className="rounded-md px-2 py-1 text-sm text-slate-300 hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-indigo-400"
      aria-label={`Theme: ${theme}. Switch to ${nextTheme[theme]}`}
      title={`Theme: ${theme}`}
      onClick={() => dispatch(themeChosen(nextTheme[theme]))}
    >
      <span aria-hidden="true">{themeIcon[theme]}</span>
    </button>
  );
}

export function Layout() {
  useTheme();
  useFocusOnNavigation();
  useLiveEvents();
  const hasKey = useAppSelector(selectHasApiKey);
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
      >
        Skip to content
      </a>
      <header className="bg-slate-900 text-white dark:border-b dark:border-slate-800">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="flex items-center gap-2 font-semibold">
            <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7">
              <rect width="32" height="32" rx="7" className="fill-indigo-500" />
              <circle cx="16" cy="17" r="9" fill="none" stroke="white" strokeWidth="2.5" />
              <path
                d="M16 12v5l3 2M13 5h6"
                fill="none"
                stroke="white"
                strokeWidth="2.5"
                strokeLinecap="round"
              />
            </svg>
            Task Scheduler
          </span>
          <nav
            aria-label="Main"
            className="order-last -mx-1 flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto"
          >
            {sections.map((section) => (
              <NavLink
                key={section.to}
                to={section.to}
                end={section.end}
                className={({ isActive }) =>
                  `rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap ${
                    isActive
                      ? 'bg-slate-800 text-white'
                      : 'text-slate-300 hover:bg-slate-800 hover:text-white'
                  }`
                }
              >
                {section.label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            {hasKey && <LiveIndicator />}
            {!hasKey && (
              <NavLink
                to="/settings"
                className="rounded-full bg-amber-400/15 px-2.5 py-0.5 text-xs font-medium text-amber-300 ring-1 ring-amber-400/30"
              >
                No API key
              </NavLink>
            )}
            <ThemeButton />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none">
        <Outlet />
      </main>
      <Toasts />
    </div>
  );
}
