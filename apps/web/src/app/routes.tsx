import type { RouteObject } from 'react-router';
import { LoadingState } from '../components/Feedback';
import { DestinationsPage } from '../features/destinations/DestinationsPage';
import { RequireApiKey } from '../components/RequireApiKey';
import { LogsPage } from '../features/logs/LogsPage';
import { OverviewPage } from '../features/overview/OverviewPage';
import { RunPage } from '../features/runs/RunPage';
import { RunsPage } from '../features/runs/RunsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { TaskDetailPage } from '../features/tasks/TaskDetailPage';
import { TasksPage } from '../features/tasks/TasksPage';
import { Layout } from './Layout';
import { NotFoundPage, RouteErrorPage } from './RouteErrorPage';

const guarded = (element: React.ReactNode) => <RequireApiKey>{element}</RequireApiKey>;

/** The dashboard's pages; `createBrowserRouter` in the app, `createMemoryRouter` in tests. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteErrorPage />,
    // Shown while a lazily loaded page (the task form) arrives on a first load.
    hydrateFallbackElement: <LoadingState />,
    children: [
      { index: true, element: guarded(<OverviewPage />) },
      { path: 'tasks', element: guarded(<TasksPage />) },
      // The form carries the schedule parser and cronstrue: loaded when first opened.
      {
        path: 'tasks/new',
        lazy: async () => {
          const { TaskCreatePage } = await import('../features/tasks/TaskCreatePage');
          return { element: guarded(<TaskCreatePage />) };
        },
      },
      { path: 'tasks/:taskId', element: guarded(<TaskDetailPage />) },
      {
        path: 'tasks/:taskId/edit',
        lazy: async () => {
          const { TaskEditPage } = await import('../features/tasks/TaskEditPage');
          return { element: guarded(<TaskEditPage />) };
        },
      },
      { path: 'runs', element: guarded(<RunsPage />) },
      { path: 'runs/:runId', element: guarded(<RunPage />) },
      { path: 'logs', element: guarded(<LogsPage />) },
      { path: 'destinations', element: guarded(<DestinationsPage />) },
      { path: 'settings', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
