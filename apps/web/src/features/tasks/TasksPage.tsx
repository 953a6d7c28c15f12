import { useEffect } from 'react';
import { Link } from 'react-router';
import { useListTasksQuery } from '../../app/api';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { EmptyState, ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { buttonPrimary, cardClass } from '../../components/ui';
import { useNow } from '../../lib/use-now';
import { useRefreshOptions } from '../settings/use-refresh';
import { TaskFilters } from './TaskFilters';
import {
  selectTaskListView,
  taskListQuery,
  taskPageChanged,
  taskPageSizeChanged,
  taskSortChanged,
} from './taskListViewSlice';
import { TaskTable } from './TaskTable';

export function TasksPage() {
  const dispatch = useAppDispatch();
  const view = useAppSelector(selectTaskListView);
  const { data, error, isLoading, isFetching, refetch } = useListTasksQuery(
    taskListQuery(view),
    useRefreshOptions(),
  );
  const now = useNow();
  const lastPage = data?.meta.total_pages ?? 0;
  useEffect(() => {
    // Deleting the last task of the last page would leave the user on an empty page.
    if (lastPage > 0 && view.page > lastPage) dispatch(taskPageChanged(lastPage));
  }, [dispatch, lastPage, view.page]);
  const filtered = view.search.trim() !== '' || view.status !== 'all' || view.enabled !== 'all';

  let body;
  if (isLoading) body = <LoadingState label="Loading tasks…" />;
  else if (!data)
    body = <ErrorState error={error} title="Could not load the tasks" onRetry={() => void refetch()} />;
  else if (data.data.length === 0)
    body = filtered ? (
      <EmptyState title="No task matches these filters." />
    ) : (
      <EmptyState title="No tasks yet.">
        <Link to="/tasks/new" className={buttonPrimary}>
          Create the first task
        </Link>
      </EmptyState>
    );
  else
    body = (
      <>
        {error && <ErrorState error={error} title="Refreshing failed; showing the last list" />}
        <TaskTable
          tasks={data.data}
          now={now}
          sort={{ sort: view.sort, order: view.order }}
          onSortChange={(sort) => dispatch(taskSortChanged(sort))}
        />
        <Pagination
          meta={data.meta}
          noun={['task', 'tasks']}
          onPageChange={(page) => dispatch(taskPageChanged(page))}
          onPageSizeChange={(size) => dispatch(taskPageSizeChanged(size))}
        />
      </>
    );

  return (
    <>
      <PageHeader
        title="Tasks"
        description="Every scheduled webhook, its state and its last delivery."
        actions={
          <Link to="/tasks/new" className={buttonPrimary}>
            New task
          </Link>
        }
      />
      <section className={cardClass} aria-label="Task list" aria-busy={isFetching}>
        <TaskFilters view={view} />
        <div className="border-t border-slate-200 dark:border-slate-800">{body}</div>
      </section>
    </>
  );
}
