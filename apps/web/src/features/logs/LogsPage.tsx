import { useEffect, useMemo } from 'react';
import { useListLogsQuery, useListTasksQuery } from '../../app/api';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { cardClass } from '../../components/ui';
import { localTimeZone } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { useRefreshOptions } from '../settings/use-refresh';
import { AttemptsTable } from './AttemptsTable';
import { LogFilters, taskPickerQuery } from './LogFilters';
import { logListQuery, logPageChanged, logPageSizeChanged, selectLogListView } from './logListViewSlice';

export function LogsPage() {
  const dispatch = useAppDispatch();
  const view = useAppSelector(selectLogListView);
  const { data, error, isLoading, refetch } = useListLogsQuery(logListQuery(view), useRefreshOptions());
  const now = useNow();
  const { data: tasks } = useListTasksQuery(taskPickerQuery);
  const taskNames = useMemo(
    () => (tasks ? new Map(tasks.data.map((task) => [task.id, task.task_name])) : undefined),
    [tasks],
  );
  const lastPage = data?.meta.total_pages ?? 0;
  useEffect(() => {
    if (lastPage > 0 && view.page > lastPage) dispatch(logPageChanged(lastPage));
  }, [dispatch, lastPage, view.page]);

  let body;
  if (isLoading) body = <LoadingState label="Loading attempts…" />;
  else if (!data)
    body = <ErrorState error={error} title="Could not load the logs" onRetry={() => void refetch()} />;
  else if (data.data.length === 0) body = <EmptyState title="No attempt matches these filters." />;
  else
    body = (
      <>
        {error && <ErrorState error={error} title="Refreshing failed; showing the last page" />}
        <AttemptsTable
          logs={data.data}
          now={now}
          timeZone={localTimeZone()}
          showTask
          taskNames={taskNames}
          caption="Attempts"
        />
        <Pagination
          meta={data.meta}
          noun="attempts"
          onPageChange={(page) => dispatch(logPageChanged(page))}
          onPageSizeChange={(size) => dispatch(logPageSizeChanged(size))}
        />
      </>
    );

  return (
    <>
      <PageHeader title="Logs" description={`Every delivery attempt. Times in ${localTimeZone()}.`} />
      <section className={cardClass} aria-label="Attempts">
        <LogFilters view={view} />
        <div className="border-t border-slate-200 dark:border-slate-800">{body}</div>
      </section>
    </>
  );
}
