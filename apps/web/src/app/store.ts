import { combineSlices, configureStore } from '@reduxjs/toolkit';
import { liveSlice } from '../features/live/liveSlice';
import { logListViewSlice } from '../features/logs/logListViewSlice';
import { preferencesSlice } from '../features/settings/preferencesSlice';
import { settingsSlice } from '../features/settings/settingsSlice';
import { taskListViewSlice } from '../features/tasks/taskListViewSlice';
import { toastsSlice } from '../features/toasts/toastsSlice';
import { api } from './api';

const rootReducer = combineSlices(
  settingsSlice,
  preferencesSlice,
  taskListViewSlice,
  logListViewSlice,
  toastsSlice,
  liveSlice,
  api,
);

export type RootState = ReturnType<typeof rootReducer>;

/** A fresh store: the app makes one at start, each test makes its own. */
export function makeStore(preloadedState?: Partial<RootState>) {
  return configureStore({
    reducer: rootReducer,
    preloadedState,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(api.middleware),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
