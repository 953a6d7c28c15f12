import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'react-redux';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { routes } from '../app/routes';
import { makeStore, type RootState } from '../app/store';

export const testApiKey = 'test-api-key-0123456789';

/** The whole app (real store, real routes) at `path`, connected with a test key unless told otherwise. */
export function renderApp(path: string, preloadedState: Partial<RootState> = {}) {
  const store = makeStore({ settings: { apiUrl: '', apiKey: testApiKey }, ...preloadedState });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const user = userEvent.setup();
  const view = render(
    <Provider store={store}>
      <RouterProvider router={router} />
    </Provider>,
  );
  return { store, router, user, ...view };
}
