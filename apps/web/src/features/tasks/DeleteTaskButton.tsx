import { useState } from 'react';
import type { Task } from '../../app/api-types';
import { ConfirmDialog } from '../../components/ConfirmDialog';

interface DeleteTaskButtonProps {
  task: Pick<Task, 'id' | 'task_name'>;
  className: string;
  onDelete: (task: Pick<Task, 'id' | 'task_name'>) => Promise<boolean>;
  onDeleted?: () => void;
}

export function DeleteTaskButton({ task, className, onDelete, onDeleted }: DeleteTaskButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    const deleted = await onDelete(task);
    setBusy(false);
    setAsking(false);
    if (deleted) onDeleted?.();
  };
  return (
    <>
      <button
        type="button"
        className={className}
        aria-label={`Delete ${task.task_name}`}
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
        >
          The task and all its recorded attempts are removed. This cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
