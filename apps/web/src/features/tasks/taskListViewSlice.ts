import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import {
  taskSortFields,
  taskStatuses,
  type SortOrder,
  type TaskListQuery,
  type TaskSortField,
  type TaskStatus,
} from '../../app/api-types';
import { intIn, isRecord, oneOf, stringOr } from '../../lib/guards';
import { pageSizes } from '../../lib/page-sizes';

export type EnabledFilter = 'all' | 'enabled' | 'disabled';

/** How the user looks at the task list: filters, sort and page size survive a reload; the page does not. */
export interface TaskListViewState {
  search: string;
  status: TaskStatus | 'all';
  enabled: EnabledFilter;
  sort: TaskSortField;
  order: SortOrder;
  pageSize: number;
  page: number;
}

export const initialTaskListView: TaskListViewState = {
  search: '',
  status: 'all',
  enabled: 'all',
  sort: 'created_at',
  order: 'desc',
  pageSize: 20,
  page: 1,
};

export const taskListViewSlice = createSlice({
  name: 'taskListView',
  initialState: initialTaskListView,
  reducers: {
    taskSearchChanged(state, action: PayloadAction<string>) {
      state.search = action.payload;
      state.page = 1;
    },
    taskStatusFilterChanged(state, action: PayloadAction<TaskStatus | 'all'>) {
      state.status = action.payload;
      state.page = 1;
    },
    taskEnabledFilterChanged(state, action: PayloadAction<EnabledFilter>) {
      state.enabled = action.payload;
      state.page = 1;
    },
    taskSortChanged(state, action: PayloadAction<{ sort: TaskSortField; order: SortOrder }>) {
      state.sort = action.payload.sort;
      state.order = action.payload.order;
      state.page = 1;
    },
    taskPageSizeChanged(state, action: PayloadAction<number>) {
      state.pageSize = intIn(action.payload, pageSizes, state.pageSize);
      state.page = 1;
    },
    taskPageChanged(state, action: PayloadAction<number>) {
      state.page = Math.max(1, Math.floor(action.payload));
    },
    taskFiltersCleared(state) {
      return { ...initialTaskListView, sort: state.sort, order: state.order, pageSize: state.pageSize };
    },
    /** Every failed task, and only those: the other filters are cleared, the sort kept. */
    failedTasksShown(state) {
      return {
        ...initialTaskListView,
        status: 'failed' as const,
        sort: state.sort,
        order: state.order,
        pageSize: state.pageSize,
      };
    },
  },
  selectors: {
    selectTaskListView: (state) => state,
  },
});

export const {
  taskSearchChanged,
  taskStatusFilterChanged,
  taskEnabledFilterChanged,
  taskSortChanged,
  taskPageSizeChanged,
  taskPageChanged,
  taskFiltersCleared,
  failedTasksShown,
} = taskListViewSlice.actions;
export const { selectTaskListView } = taskListViewSlice.selectors;

/** The API query for a view: only the filters that restrict something are sent. */
export function taskListQuery(view: TaskListViewState): TaskListQuery {
  const query: TaskListQuery = { page: view.page, limit: view.pageSize, sort: view.sort, order: view.order };
  const search = view.search.trim();
  if (search) query.search = search;
  if (view.status !== 'all') query.task_status = view.status;
  if (view.enabled !== 'all') query.enabled = view.enabled === 'enabled';
  return query;
}

export function taskListViewFromStorage(raw: unknown): TaskListViewState {
  if (!isRecord(raw)) return initialTaskListView;
  const d = initialTaskListView;
  return {
    search: stringOr(raw.search, d.search),
    status: oneOf(raw.status, [...taskStatuses, 'all'], d.status),
    enabled: oneOf(raw.enabled, ['all', 'enabled', 'disabled'], d.enabled),
    sort: oneOf(raw.sort, taskSortFields, d.sort),
    order: oneOf(raw.order, ['asc', 'desc'], d.order),
    pageSize: intIn(raw.pageSize, pageSizes, d.pageSize),
    page: 1,
  };
}
