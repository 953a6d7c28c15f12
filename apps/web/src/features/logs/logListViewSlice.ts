import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { attemptStatuses, type AttemptStatus, type LogListQuery } from '../../app/api-types';
import { intIn, isRecord, oneOf, stringOr } from '../../lib/guards';
import { pageSizes } from '../../lib/page-sizes';

/**
 * Filters of the logs page. `from` and `to` hold `<input type="datetime-local">` values (local wall time,
 * no zone) so the inputs show exactly what the user typed; they become instants only in the query.
 */
export interface LogListViewState {
  status: AttemptStatus | 'all';
  taskId: string;
  /** "Find a task": text that narrows the task picker, and picks the task when one name matches. */
  taskSearch: string;
  from: string;
  to: string;
  pageSize: number;
  page: number;
}

export const initialLogListView: LogListViewState = {
  status: 'all',
  taskId: '',
  taskSearch: '',
  from: '',
  to: '',
  pageSize: 20,
  page: 1,
};

export const logListViewSlice = createSlice({
  name: 'logListView',
  initialState: initialLogListView,
  reducers: {
    logStatusFilterChanged(state, action: PayloadAction<AttemptStatus | 'all'>) {
      state.status = action.payload;
      state.page = 1;
    },
    logTaskFilterChanged(state, action: PayloadAction<string>) {
      state.taskId = action.payload;
      state.page = 1;
    },
    logTaskSearchChanged(state, action: PayloadAction<string>) {
      state.taskSearch = action.payload;
    },
    logRangeChanged(state, action: PayloadAction<{ from?: string; to?: string }>) {
      if (action.payload.from !== undefined) state.from = action.payload.from;
      if (action.payload.to !== undefined) state.to = action.payload.to;
      state.page = 1;
    },
    logPageSizeChanged(state, action: PayloadAction<number>) {
      state.pageSize = intIn(action.payload, pageSizes, state.pageSize);
      state.page = 1;
    },
    logPageChanged(state, action: PayloadAction<number>) {
      state.page = Math.max(1, Math.floor(action.payload));
    },
    logFiltersCleared(state) {
      return { ...initialLogListView, pageSize: state.pageSize };
    },
  },
  selectors: {
    selectLogListView: (state) => state,
  },
});

export const {
  logStatusFilterChanged,
  logTaskFilterChanged,
  logTaskSearchChanged,
  logRangeChanged,
  logPageSizeChanged,
  logPageChanged,
  logFiltersCleared,
} = logListViewSlice.actions;
export const { selectLogListView } = logListViewSlice.selectors;

/** Whether any filter narrows the attempts shown. */
export function logFiltersSet(view: LogListViewState): boolean {
  return view.status !== 'all' || view.taskId !== '' || view.from !== '' || view.to !== '';
}

/** Whether "Clear filters" has anything to clear: a filter, or text in "Find a task". */
export function logFiltersTouched(view: LogListViewState): boolean {
  return logFiltersSet(view) || view.taskSearch !== '';
}

function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** What is wrong with the date range, if anything (checked here, before any request). */
export function rangeProblem(view: Pick<LogListViewState, 'from' | 'to'>): string | undefined {
  const from = localToIso(view.from);
  const to = localToIso(view.to);
  return from && to && from > to ? 'Pick a "To" at or after "From".' : undefined;
}

export function logListQuery(view: LogListViewState): LogListQuery {
  const query: LogListQuery = { page: view.page, limit: view.pageSize };
  if (view.status !== 'all') query.status = view.status;
  if (view.taskId) query.task_id = view.taskId;
  const from = localToIso(view.from);
  const to = localToIso(view.to);
  if (from) query.from = from;
  if (to) query.to = to;
  return query;
}

export function logListViewFromStorage(raw: unknown): LogListViewState {
  if (!isRecord(raw)) return initialLogListView;
  const d = initialLogListView;
  return {
    status: oneOf(raw.status, [...attemptStatuses, 'all'], d.status),
    taskId: stringOr(raw.taskId, d.taskId),
    taskSearch: stringOr(raw.taskSearch, d.taskSearch),
    from: stringOr(raw.from, d.from),
    to: stringOr(raw.to, d.to),
    pageSize: intIn(raw.pageSize, pageSizes, d.pageSize),
    page: 1,
  };
}
