import { useEffect } from 'react';
import { Link } from 'react-router';
import { useListLogsQuery } from '../../app/api';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { cardClass, linkClass } from '../../components/ui';
import { displayTimeZone } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { useRefreshOptions } from '../settings/use-refresh';
import { AttemptsTable } from './AttemptsTable';
import { LogFilters } from './LogFilters';
import {
  logListQuery,
  logPageChanged,
  logFiltersSet,
  logPageSizeChanged,
  rangeProblem,
  selectLogListView,
} from './logListViewSlice';

export function LogsPage() {
  const dispatch = useAppDispatch();
  const view = useAppSelector(selectLogListView);
  const badRange = rangeProblem(view);
  // currentData: the rows of these filters only, never those of the previous ones.
  const {
    currentData: data,
    error,
    isFetching,
    refetch,
  } = useListLogsQuery(logListQuery(view), { ...useRefreshOptions(), skip: badRange !== undefined });
  const now = useNow();
  const lastPage = data?.meta.total_pages ?? 0;
  useEffect(() => {
    if (lastPage > 0 && view.page > lastPage) dispatch(logPageChanged(lastPage));
  }, [dispatch, lastPage, view.page]);

  let body;
  if (badRange) body = <EmptyState title="No attempt to show: the date range ends before it starts." />;
  else if (!data && isFetching) body = <LoadingState label="Loading attempts…" />;
  else if (!data)
    body = <ErrorState error={error} title="Could not load the logs" onRetry={() => void refetch()} />;
  else if (data.data.length === 0)
    body = logFiltersSet(view) ? (
      <EmptyState title="No attempt matches these filters." />
    ) : (
      <EmptyState title="No attempts yet.">
        Each delivery of a task is listed here:{' '}
        <Link to="/tasks" className={linkClass}>
          run a task now
        </Link>
        , or wait for its schedule.
      </EmptyState>
    );
  else
    body = (
      <>
        {error && <ErrorState error={error} title="Refreshing failed; showing the last page" />}
        <AttemptsTable logs={data.data} now={now} showTask caption="Attempts" />
        <Pagination
          meta={data.meta}
          noun={['attempt', 'attempts']}
          onPageChange={(page) => dispatch(logPageChanged(page))}
          onPageSizeChange={(size) => dispatch(logPageSizeChanged(size))}
        />
      </>
    );

  return (
    <>
      <PageHeader title="Logs" description={`Every delivery attempt. Times in ${displayTimeZone()}.`} />
      <section className={cardClass} aria-label="Attempts">
        <LogFilters view={view} />
        <div className="border-t border-slate-200 dark:border-slate-800">{body}</div>
      </section>
    </>
  );
}
