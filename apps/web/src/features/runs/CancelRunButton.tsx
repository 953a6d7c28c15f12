import { useState } from 'react';
import { errorCode, errorMessage } from '../../app/api-error';
import { useCancelRunMutation } from '../../app/api';
import type { Run } from '../../app/api-types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useToast } from '../toasts/use-toast';

interface CancelRunButtonProps {
  run: Pick<Run, 'id' | 'status'>;
  taskName: string;
  className: string;
}

/** Cancels a queued or running run after a confirmation: an attempt in flight is aborted (SPEC §11). */
export function CancelRunButton({ run, taskName, className }: CancelRunButtonProps) {
  const [asking, setAsking] = useState(false);
  const [cancel, { isLoading }] = useCancelRunMutation();
  const toast = useToast();
  const confirm = async () => {
    const result = await cancel(run.id);
    setAsking(false);
    if (result.error) {
      toast(
        'error',
        errorCode(result.error) === 'CONFLICT'
          ? `The run of "${taskName}" had already ended: nothing to cancel.`
          : `Could not cancel the run of "${taskName}": ${errorMessage(result.error)}`,
      );
      return;
    }
    toast('success', `The run of "${taskName}" was cancelled.`);
  };
  return (
    <>
      <button type="button" className={className} onClick={() => setAsking(true)}>
        Cancel run
      </button>
      {asking && (
        <ConfirmDialog
          title={`Cancel the run of "${taskName}"?`}
          confirmLabel={isLoading ? 'Cancelling…' : 'Cancel run'}
          cancelLabel="Keep it"
          busy={isLoading}
          onCancel={() => setAsking(false)}
          onConfirm={() => void confirm()}
        >
          {run.status === 'running'
            ? 'An attempt in flight is aborted and no retry follows. '
            : 'It is taken off the queue before any attempt. '}
          The task goes back to the status it had before this run, its next due instant unchanged.
        </ConfirmDialog>
      )}
    </>
  );
}
