import { logListViewFromStorage, type LogListViewState } from '../features/logs/logListViewSlice';
import { preferencesFromStorage, type PreferencesState } from '../features/settings/preferencesSlice';
import { settingsFromStorage, type SettingsState } from '../features/settings/settingsSlice';
import { taskListViewFromStorage, type TaskListViewState } from '../features/tasks/taskListViewSlice';
import { isRecord } from '../lib/guards';
import type { AppStore, RootState } from './store';

/** The localStorage entry holding the user's settings and view preferences. */
export const storageKey = 'task-scheduler.dashboard';

/**
 * Bump when a persisted slice changes shape incompatibly. A stored value of any other version is
 * ignored (the user starts from defaults) rather than fed to reducers that cannot read it.
 */
export const storageVersion = 1;

export interface PersistedState {
  settings: SettingsState;
  preferences: PreferencesState;
  taskListView: TaskListViewState;
  logListView: LogListViewState;
}

interface StoredEnvelope {
  version: number;
  state: Omit<PersistedState, 'taskListView' | 'logListView'> & {
    taskListView: Omit<TaskListViewState, 'page'>;
    logListView: Omit<LogListViewState, 'page'>;
  };
}

export function pickPersisted(state: RootState): PersistedState {
  return {
    settings: state.settings,
    preferences: state.preferences,
    taskListView: state.taskListView,
    logListView: state.logListView,
  };
}

/**
 * The persisted part of the state, or undefined when nothing usable is stored: missing, not JSON,
 * another version, or not an object. Within the right version each field is still checked, so a
 * hand-edited value falls back to its default instead of breaking a page.
 */
export function loadPersistedState(storage: Storage | undefined): PersistedState | undefined {
  let text: string | null;
  try {
    text = storage?.getItem(storageKey) ?? null;
  } catch {
    return undefined; // storage disabled (privacy mode): run with defaults
  }
  if (text === null) return undefined;
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(stored) || stored.version !== storageVersion || !isRecord(stored.state)) return undefined;
  const { settings, preferences, taskListView, logListView } = stored.state;
  return {
    settings: settingsFromStorage(settings),
    preferences: preferencesFromStorage(preferences),
    taskListView: taskListViewFromStorage(taskListView),
    logListView: logListViewFromStorage(logListView),
  };
}

export function savePersistedState(storage: Storage | undefined, state: PersistedState): void {
  const { page: _taskPage, ...taskListView } = state.taskListView;
  const { page: _logPage, ...logListView } = state.logListView;
  const envelope: StoredEnvelope = {
    version: storageVersion,
    state: { settings: state.settings, preferences: state.preferences, taskListView, logListView },
  };
  try {
    storage?.setItem(storageKey, JSON.stringify(envelope));
  } catch {
    // Quota or disabled storage: the app keeps working, the choice just won't survive a reload.
  }
}

/** Writes the persisted slices whenever one of them changes; returns the unsubscribe function. */
export function persistStore(store: AppStore, storage: Storage | undefined): () => void {
  let last = pickPersisted(store.getState());
  return store.subscribe(() => {
    const next = pickPersisted(store.getState());
    const changed = (Object.keys(next) as (keyof PersistedState)[]).some((key) => next[key] !== last[key]);
    if (!changed) return;
    last = next;
    savePersistedState(storage, next);
  });
}
