import {
  runStatuses,
  runTriggers,
  type RunListQuery,
  type RunStatus,
  type RunTrigger,
} from '../../app/api-types';
import { oneOf } from '../../lib/guards';
import { pageSizes } from '../../lib/page-sizes';

/**
 * The Runs page's filters, held in its URL (`/runs?status=failed,expired&trigger=retry`) so a filtered
 * list is a link: the overview's "failed runs", a bookmark, Back. `from` and `to` are
 * `<input type="datetime-local">` values (the browser's wall time), instants only in the query.
 */
export interface RunFilters {
  /** None: every status. */
  statuses: RunStatus[];
  trigger: RunTrigger | '';
  taskId: string;
  from: string;
  to: string;
  page: number;
  limit: number;
}

export const defaultRunFilters: RunFilters = {
  statuses: [],
  trigger: '',
  taskId: '',
  from: '',
  to: '',
  page: 1,
  limit: 20,
};

/** The runs a user can act on after a failure (retry): what "failed runs" links to. */
export const failedRunStatuses: RunStatus[] = ['failed', 'expired'];

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function positiveInt(text: string | null, fallback: number): number {
  const value = Number(text);
  return text !== null && /^\d+$/.test(text) && value >= 1 ? value : fallback;
}

/** The filters a URL names; whatever it says that is not a filter value (a typo, an old link) is left out. */
export function runFiltersFromParams(params: URLSearchParams): RunFilters {
  const d = defaultRunFilters;
  const statuses = (params.get('status') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part): part is RunStatus => (runStatuses as readonly string[]).includes(part));
  const local = (name: string) => {
    const value = params.get(name) ?? '';
    return LOCAL_TIME.test(value) ? value : '';
  };
  const taskId = params.get('task_id') ?? '';
  const limit = positiveInt(params.get('limit'), d.limit);
  return {
    // In the order the statuses are listed everywhere, once each.
    statuses: runStatuses.filter((status) => statuses.includes(status)),
    trigger: oneOf(params.get('trigger'), [...runTriggers, ''], d.trigger),
    taskId: TASK_ID.test(taskId) ? taskId : '',
    from: local('from'),
    to: local('to'),
    page: positiveInt(params.get('page'), d.page),
    limit: (pageSizes as readonly number[]).includes(limit) ? limit : d.limit,
  };
}

/** The URL parameters of the filters: only those that differ from the defaults, so a plain list is `/runs`. */
export function runFiltersToParams(filters: RunFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.statuses.length > 0) params.set('status', filters.statuses.join(','));
  if (filters.trigger) params.set('trigger', filters.trigger);
  if (filters.taskId) params.set('task_id', filters.taskId);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.page !== defaultRunFilters.page) params.set('page', String(filters.page));
  if (filters.limit !== defaultRunFilters.limit) params.set('limit', String(filters.limit));
  return params;
}

/** A link to the Runs page with these filters (the rest at their defaults). */
export function runsLink(filters: Partial<RunFilters>): string {
  const query = runFiltersToParams({ ...defaultRunFilters, ...filters }).toString();
  // Commas read better than %2C in a link, and URLSearchParams reads them back either way.
  return query ? `/runs?${query.replaceAll('%2C', ',')}` : '/runs';
}

function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** What is wrong with the date range, if anything (checked here, before any request). */
export function runRangeProblem(filters: Pick<RunFilters, 'from' | 'to'>): string | undefined {
  const from = localToIso(filters.from);
  const to = localToIso(filters.to);
  return from && to && from > to ? 'Pick a "To" at or after "From".' : undefined;
}

/** GET /api/runs's parameters: statuses separated by commas, dates as instants. */
export function runListQuery(filters: RunFilters): RunListQuery {
  const query: RunListQuery = { page: filters.page, limit: filters.limit };
  if (filters.statuses.length > 0) query.status = filters.statuses.join(',');
  if (filters.trigger) query.trigger = filters.trigger;
  if (filters.taskId) query.task_id = filters.taskId;
  const from = localToIso(filters.from);
  const to = localToIso(filters.to);
  if (from) query.from = from;
  if (to) query.to = to;
  return query;
}

/** Whether any filter narrows the list (what "Clear filters" would undo). */
export function runsFiltered(filters: RunFilters): boolean {
  return (
    filters.statuses.length > 0 ||
    filters.trigger !== '' ||
    filters.taskId !== '' ||
    filters.from !== '' ||
    filters.to !== ''
  );
}
