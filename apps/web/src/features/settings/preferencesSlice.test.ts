import { describe, expect, it } from 'vitest';
import { makeStore } from '../../app/store';
import {
  logListQuery,
  logRangeChanged,
  logStatusFilterChanged,
  logPageChanged,
} from '../logs/logListViewSlice';
import {
  selectTaskListView,
  taskEnabledFilterChanged,
  taskFiltersCleared,
  taskListQuery,
  taskPageChanged,
  taskPageSizeChanged,
  taskSearchChanged,
  taskStatusFilterChanged,
} from '../tasks/taskListViewSlice';
import { refreshIntervalChosen, selectRefreshIntervalMs, selectTheme, themeChosen } from './preferencesSlice';

describe('view preferences', () => {
  it('keeps the theme and only offered refresh intervals', () => {
    const store = makeStore();
    expect(selectTheme(store.getState())).toBe('system');
    store.dispatch(themeChosen('dark'));
    expect(selectTheme(store.getState())).toBe('dark');
    store.dispatch(refreshIntervalChosen(0));
    expect(selectRefreshIntervalMs(store.getState())).toBe(0);
    store.dispatch(refreshIntervalChosen(1234));
    expect(selectRefreshIntervalMs(store.getState())).toBe(0);
  });

  it('sends only the task filters that restrict something, and goes back to page 1 when one changes', () => {
    const store = makeStore();
    expect(taskListQuery(selectTaskListView(store.getState()))).toEqual({
      page: 1,
      limit: 20,
      sort: 'created_at',
      order: 'desc',
    });
    store.dispatch(taskPageChanged(3));
    store.dispatch(taskSearchChanged('  digest '));
    store.dispatch(taskStatusFilterChanged('failed'));
    store.dispatch(taskEnabledFilterChanged('disabled'));
    expect(taskListQuery(selectTaskListView(store.getState()))).toEqual({
      page: 1,
      limit: 20,
      sort: 'created_at',
      order: 'desc',
      search: 'digest',
      task_status: 'failed',
      enabled: false,
    });
    store.dispatch(taskPageSizeChanged(7));
    expect(selectTaskListView(store.getState()).pageSize).toBe(20);
    store.dispatch(taskPageSizeChanged(50));
    store.dispatch(taskFiltersCleared());
    expect(selectTaskListView(store.getState())).toMatchObject({
      search: '',
      status: 'all',
      enabled: 'all',
      pageSize: 50,
    });
  });

  it('turns the logs date range (local wall time) into instants', () => {
    const store = makeStore();
    store.dispatch(logStatusFilterChanged('failed'));
    store.dispatch(logRangeChanged({ from: '2025-03-01T08:30' }));
    store.dispatch(logPageChanged(2));
    const query = logListQuery(store.getState().logListView);
    expect(query).toEqual({
      page: 2,
      limit: 20,
      status: 'failed',
      from: new Date('2025-03-01T08:30').toISOString(),
    });
  });
});
