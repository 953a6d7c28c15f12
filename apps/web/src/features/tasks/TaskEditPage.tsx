import { useNavigate, useParams } from 'react-router';
import { errorCode } from '../../app/api-error';
import { useGetTaskQuery, useUpdateTaskMutation } from '../../app/api';
import type { Task, TaskInput, TaskPatch } from '../../app/api-types';
import { toLocalTimeInput } from '../../lib/zoned-time';
import { ErrorState, LoadingState } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { useToast } from '../toasts/use-toast';
import { taskFormFromTask } from './task-form-model';
import { TaskForm } from './TaskForm';
import { TaskGone } from './TaskGone';

/**
 * The form's fields as a PATCH. A one-time task's "Once at" left as it was is not sent: once it has
 * fired, its instant is in the past, which the API refuses, and the user changed something else.
 */
function taskPatch(task: Task, input: TaskPatch): TaskPatch {
  if (!input.run_at || task.run_at === null || input.timezone !== task.timezone) return input;
  const { run_at: runAt, ...rest } = input;
  return toLocalTimeInput(runAt, task.timezone) === toLocalTimeInput(task.run_at, task.timezone)
    ? rest
    : input;
}

export function TaskEditPage() {
  const { taskId = '' } = useParams();
  // No polling here: a refetch must not overwrite what the user is typing.
  const { data: task, error, isLoading, refetch } = useGetTaskQuery(taskId);
  const [updateTask] = useUpdateTaskMutation();
  const navigate = useNavigate();
  const toast = useToast();

  if (isLoading) return <LoadingState label="Loading the task…" />;
  if (!task && errorCode(error) === 'NOT_FOUND') return <TaskGone />;
  if (!task)
    return <ErrorState error={error} title="Could not load the task" onRetry={() => void refetch()} />;

  const save = async (patch: TaskPatch) => {
    const result = await updateTask({ id: task.id, patch: taskPatch(task, patch) });
    if (result.error) return result.error;
    const rearmed = patch.task_status === 'ready';
    toast('success', `Task "${result.data.task_name}" saved${rearmed ? ' and re-armed' : ''}.`);
    await navigate(`/tasks/${task.id}`);
    return undefined;
  };
  // A failed task runs again only once re-armed (SPEC §5): a fix (a new URL, say) is usually why it is edited.
  const rearm =
    task.task_status === 'failed'
      ? {
          label: 'Save and re-arm',
          hint: 'This task failed: it runs again only once re-armed.',
          onSubmit: (input: TaskInput) => save({ ...input, task_status: 'ready' }),
        }
      : undefined;
  return (
    <>
      <PageHeader title={`Edit ${task.task_name}`} />
      <TaskForm
        key={task.id}
        taskId={task.id}
        initialValues={taskFormFromTask(task)}
        submitLabel="Save changes"
        cancelTo={`/tasks/${task.id}`}
        onSubmit={save}
        alternative={rearm}
      />
    </>
  );
}
