import { useCallback } from 'react';
import { errorCode, errorMessage } from '../../app/api-error';
import {
  useDeleteTaskMutation,
  useExecuteTaskMutation,
  useSkipNextRunMutation,
  useToggleTaskMutation,
  useUpdateTaskMutation,
} from '../../app/api';
import type { Task } from '../../app/api-types';
import { useToast } from '../toasts/use-toast';

type TaskRef = Pick<Task, 'id' | 'task_name'>;

/** The one-click actions on a task, each reporting its outcome as a toast. Each resolves to whether it worked. */
export function useTaskActions() {
  const toast = useToast();
  const [execute, executeState] = useExecuteTaskMutation();
  const [toggle, toggleState] = useToggleTaskMutation();
  const [remove, removeState] = useDeleteTaskMutation();
  const [update, updateState] = useUpdateTaskMutation();
  const [skip, skipState] = useSkipNextRunMutation();

  /** SPEC §13: the next run is skipped; the task comes due at the instant after it. */
  const skipNext = useCallback(
    async (task: TaskRef) => {
      const result = await skip(task.id);
      if (result.error) {
        toast('error', `Could not skip the next run of "${task.task_name}": ${errorMessage(result.error)}`);
        return false;
      }
      const next = result.data.next_run_at;
      toast(
        'success',
        next
          ? `Skipped the next run of "${task.task_name}": it now runs at ${new Date(next).toLocaleString()}.`
          : `Skipped the next run of "${task.task_name}": it does not come due again.`,
      );
      return true;
    },
    [skip, toast],
  );

  const runNow = useCallback(
    async (task: TaskRef) => {
      const result = await execute(task.id);
      if (result.error) {
        const message =
          errorCode(result.error) === 'CONFLICT'
            ? `"${task.task_name}" is already running.`
            : `Could not run "${task.task_name}": ${errorMessage(result.error)}`;
        toast('error', message);
        return false;
      }
      toast('success', `"${task.task_name}" was queued to run now.`);
      return true;
    },
    [execute, toast],
  );

  const toggleEnabled = useCallback(
    async (task: TaskRef) => {
      const result = await toggle(task.id);
      if (result.error) {
        toast('error', `Could not change "${task.task_name}": ${errorMessage(result.error)}`);
        return false;
      }
      toast('success', `"${task.task_name}" ${result.data.enabled ? 'enabled' : 'paused'}.`);
      return true;
    },
    [toggle, toast],
  );

  const deleteTask = useCallback(
    async (task: TaskRef) => {
      const result = await remove(task.id);
      if (result.error) {
        toast('error', `Could not delete "${task.task_name}": ${errorMessage(result.error)}`);
        return false;
      }
      toast('success', `"${task.task_name}" deleted.`);
      return true;
    },
    [remove, toast],
  );

  /** A failed task is never scheduled again until a user re-arms it (SPEC §5). */
  const rearm = useCallback(
    async (task: TaskRef) => {
      const result = await update({ id: task.id, patch: { task_status: 'ready' } });
      if (result.error) {
        toast('error', `Could not re-arm "${task.task_name}": ${errorMessage(result.error)}`);
        return false;
      }
      toast('success', `"${task.task_name}" re-armed: it runs again at its next due instant.`);
      return true;
    },
    [update, toast],
  );

  return {
    runNow,
    toggleEnabled,
    deleteTask,
    rearm,
    skipNext,
    busy: {
      skipping: skipState.isLoading,
      running: executeState.isLoading,
      toggling: toggleState.isLoading,
      deleting: removeState.isLoading,
      rearming: updateState.isLoading,
    },
  };
}
