import { setupListeners } from '@reduxjs/toolkit/query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { loadPersistedState, persistStore } from './app/persistence';
import { routes } from './app/routes';
import { makeStore } from './app/store';
import './index.css';

const store = makeStore(loadPersistedState(window.localStorage));
persistStore(store, window.localStorage);
// Refetch when the window regains focus or the network comes back.
setupListeners(store.dispatch);

const router = createBrowserRouter(routes);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <Provider store={store}>
      <RouterProvider router={router} />
    </Provider>
  </StrictMode>,
);
