import { Link } from 'react-router';
import { EmptyState } from '../../components/Feedback';
import { linkClass } from '../../components/ui';

/** A task that is not there (deleted, say): no "Try again" that cannot help, a way back instead. */
export function TaskGone() {
  return (
    <EmptyState title="This task does not exist: it may have been deleted.">
      <Link to="/tasks" className={linkClass}>
        Back to the task list
      </Link>
    </EmptyState>
  );
}
