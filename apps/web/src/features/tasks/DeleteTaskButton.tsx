import { useRef, useState } from 'react';
import type { Task } from '../../app/api-types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { pageFocusTarget } from '../../components/PageHeader';

interface DeleteTaskButtonProps {
  task: Pick<Task, 'id' | 'task_name'>;
  className: string;
  onDelete: (task: Pick<Task, 'id' | 'task_name'>) => Promise<boolean>;
  /** Where to go once deleted (say, away from the task's page); without it focus stays in the list. */
  onDeleted?: () => void;
}

/**
 * What takes focus when the task's row is about to leave a list: the Delete button of the row that
 * takes its place (or of the one above, for the last row), so the keyboard keeps its place; the
 * page's heading once no row is left. Found while this row is still listed: the list drops it when
 * it refreshes, and keeps the others (and their focus).
 */
function focusSuccessor(button: HTMLElement | null): HTMLElement | null {
  const row = button?.closest('tr');
  for (const neighbour of [row?.nextElementSibling, row?.previousElementSibling]) {
    const target = neighbour?.querySelector<HTMLElement>('[data-delete-task]');
    if (target) return target;
  }
  return pageFocusTarget();
}

export function DeleteTaskButton({ task, className, onDelete, onDeleted }: DeleteTaskButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const successor = useRef<HTMLElement | null>(null);
  const confirm = async () => {
    setBusy(true);
    const deleted = await onDelete(task);
    if (deleted && !onDeleted) successor.current = focusSuccessor(buttonRef.current);
    setBusy(false);
    setAsking(false);
    if (deleted) onDeleted?.();
  };
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={className}
        aria-label={`Delete ${task.task_name}`}
        data-delete-task=""
        onClick={() => setAsking(true)}
      >
        Delete
      </button>
      {asking && (
        <ConfirmDialog
          title={`Delete "${task.task_name}"?`}
          confirmLabel={busy ? 'Deleting…' : 'Delete task'}
          busy={busy}
          onCancel={() => setAsking(false)}
          onConfirm={() => void confirm()}
          // Read when the dialog is gone, which may be in the same render as this row.
          returnFocus={() => successor.current}
        >
          The task and all its recorded attempts are removed. This cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
