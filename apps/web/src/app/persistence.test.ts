import { describe, expect, it } from 'vitest';
import { logStatusFilterChanged } from '../features/logs/logListViewSlice';
import { refreshIntervalChosen, themeChosen } from '../features/settings/preferencesSlice';
import { connectionSaved } from '../features/settings/settingsSlice';
import { taskPageChanged, taskStatusFilterChanged } from '../features/tasks/taskListViewSlice';
import { loadPersistedState, persistStore, storageKey, storageVersion } from './persistence';
import { makeStore } from './store';

/** A fresh app start on the same browser: the store is rebuilt from storage. */
function reload(storage: Storage) {
  return makeStore(loadPersistedState(storage));
}

describe('persistence', () => {
  it('brings settings and view preferences back after a reload, but not the page number', () => {
    const storage = window.localStorage;
    const store = makeStore(loadPersistedState(storage));
    persistStore(store, storage);
    store.dispatch(connectionSaved({ apiUrl: 'http://localhost:3000', apiKey: 'secret-key-0123456789' }));
    store.dispatch(themeChosen('dark'));
    store.dispatch(refreshIntervalChosen(10000));
    store.dispatch(taskStatusFilterChanged('failed'));
    store.dispatch(taskPageChanged(4));
    store.dispatch(logStatusFilterChanged('finish'));

    const state = reload(storage).getState();
    expect(state.settings).toEqual({ apiUrl: 'http://localhost:3000', apiKey: 'secret-key-0123456789' });
    expect(state.preferences).toEqual({ theme: 'dark', refreshIntervalMs: 10000 });
    expect(state.taskListView).toMatchObject({ status: 'failed', page: 1 });
    expect(state.logListView.status).toBe('finish');
  });

  it('does not write when only server data changes', () => {
    const storage = window.localStorage;
    const store = makeStore();
    persistStore(store, storage);
    store.dispatch({ type: 'unrelated/action' });
    expect(storage.getItem(storageKey)).toBeNull();
  });

  it('ignores a value stored by another version', () => {
    window.localStorage.setItem(
      storageKey,
      JSON.stringify({
        version: storageVersion + 1,
        state: { settings: { apiUrl: '', apiKey: 'from-the-future-key' } },
      }),
    );
    expect(loadPersistedState(window.localStorage)).toBeUndefined();
    expect(reload(window.localStorage).getState().settings.apiKey).toBe('');
  });

  it('ignores an unversioned shape from an older build', () => {
    window.localStorage.setItem(storageKey, JSON.stringify({ apiKey: 'old-build-key', theme: 'dark' }));
    expect(loadPersistedState(window.localStorage)).toBeUndefined();
  });

  it('ignores a value that is not JSON', () => {
    window.localStorage.setItem(storageKey, '{"version": 1, "state": ');
    expect(loadPersistedState(window.localStorage)).toBeUndefined();
    expect(() => reload(window.localStorage)).not.toThrow();
  });

  it('falls back field by field when the right version holds wrong values', () => {
    window.localStorage.setItem(
      storageKey,
      JSON.stringify({
        version: storageVersion,
        state: {
          settings: { apiUrl: 42, apiKey: 'kept-key-0123456789' },
          preferences: { theme: 'neon', refreshIntervalMs: -5 },
          taskListView: { status: 'exploded', pageSize: 1000, sort: 'task_name', order: 'asc' },
          logListView: null,
        },
      }),
    );
    const state = reload(window.localStorage).getState();
    expect(state.settings).toEqual({ apiUrl: '', apiKey: 'kept-key-0123456789' });
    expect(state.preferences).toEqual({ theme: 'system', refreshIntervalMs: 5000 });
    expect(state.taskListView).toMatchObject({
      status: 'all',
      pageSize: 20,
      sort: 'task_name',
      order: 'asc',
    });
    expect(state.logListView.status).toBe('all');
  });

  it('runs with defaults when storage is unavailable', () => {
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    } as unknown as Storage;
    expect(loadPersistedState(broken)).toBeUndefined();
  });
});
