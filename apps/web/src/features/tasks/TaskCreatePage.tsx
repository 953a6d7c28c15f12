import { useNavigate } from 'react-router';
import { useCreateTaskMutation } from '../../app/api';
import type { TaskInput } from '../../app/api-types';
import { PageHeader } from '../../components/PageHeader';
import { localTimeZone } from '../../lib/time';
import { useToast } from '../toasts/use-toast';
import { emptyTaskForm } from './task-form-model';
import { TaskForm } from './TaskForm';

export function TaskCreatePage() {
  const [createTask] = useCreateTaskMutation();
  const navigate = useNavigate();
  const toast = useToast();
  const onSubmit = async (input: TaskInput) => {
    const result = await createTask(input);
    if (result.error) return result.error;
    toast('success', `Task "${result.data.task_name}" created.`);
    await navigate(`/tasks/${result.data.id}`);
    return undefined;
  };
  return (
    <>
      <PageHeader title="New task" description="A webhook POSTed on a cron schedule, with retries." />
      <TaskForm
        initialValues={emptyTaskForm(localTimeZone())}
        submitLabel="Create task"
        cancelTo="/tasks"
        onSubmit={onSubmit}
      />
    </>
  );
}
