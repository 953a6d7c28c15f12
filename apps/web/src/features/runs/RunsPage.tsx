import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { useListRunsQuery } from '../../app/api';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { cardClass } from '../../components/ui';
import { displayTimeZone } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { useRefreshOptions } from '../settings/use-refresh';
import { RunFilterBar } from './RunFilterBar';
import {
  runFiltersFromParams,
  runFiltersToParams,
  runListQuery,
  runRangeProblem,
  type RunFilters,
} from './run-filters';
import { RunsTable } from './RunsTable';

/** Every run, newest first, filtered through the page's URL. */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const filters = runFiltersFromParams(params);
  const setFilters = (next: RunFilters) => setParams(runFiltersToParams(next));
  const badRange = runRangeProblem(filters);
  // currentData: the rows of these filters only, never those of the previous ones.
  const {
    currentData: data,
    error,
    isFetching,
    refetch,
  } = useListRunsQuery(runListQuery(filters), { ...useRefreshOptions(), skip: badRange !== undefined });
  const now = useNow();
  const lastPage = data?.meta.total_pages ?? 0;
  useEffect(() => {
    if (lastPage > 0 && filters.page > lastPage)
      setParams(runFiltersToParams({ ...filters, page: lastPage }), { replace: true });
  }, [filters, lastPage, setParams]);

  let body;
  if (badRange) body = <EmptyState title="No run to show: the date range ends before it starts." />;
  else if (!data && isFetching) body = <LoadingState label="Loading runs…" />;
  else if (!data)
    body = <ErrorState error={error} title="Could not load the runs" onRetry={() => void refetch()} />;
  else if (data.data.length === 0) body = <EmptyState title="No run matches these filters." />;
  else
    body = (
      <>
        {error && <ErrorState error={error} title="Refreshing failed; showing the last page" />}
        <RunsTable runs={data.data} now={now} showTask caption="Runs" />
        <Pagination
          meta={data.meta}
          noun={['run', 'runs']}
          onPageChange={(page) => setFilters({ ...filters, page })}
          onPageSizeChange={(limit) => setFilters({ ...filters, limit, page: 1 })}
        />
      </>
    );

  return (
    <>
      <PageHeader
        title="Runs"
        description={`Every firing of a task, newest first. Times in ${displayTimeZone()}.`}
      />
      <section className={cardClass} aria-label="Runs">
        <RunFilterBar filters={filters} onChange={setFilters} />
        <div className="border-t border-slate-200 dark:border-slate-800">{body}</div>
      </section>
    </>
  );
}
