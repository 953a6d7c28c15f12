import { Link } from 'react-router';
import { dependenciesNamedIn } from '@scheduler/core';
import { linkClass } from '../../components/ui';

/**
 * The dependencies a run's message names (SPEC §13): the one that stopped a skipped run
 * (linked to its task), or one deleted while the run waited for it (gone: named only).
 */
export function RunDependencies({ message }: { message: string | null }) {
  const named = dependenciesNamedIn(message);
  if (named.length === 0) return null;
  return (
    <ul aria-label="Dependencies named by the run" className="space-y-0.5">
      {named.map((dependency) => (
        <li key={`${dependency.kind}-${dependency.id}`}>
          {dependency.kind === 'failed' ? (
            <>
              {'Stopped by dependency '}
              <Link to={`/tasks/${dependency.id}`} className={linkClass}>
                {dependency.task_name}
              </Link>
            </>
          ) : (
            `Went on without dependency “${dependency.task_name}” (deleted)`
          )}
        </li>
      ))}
    </ul>
  );
}
