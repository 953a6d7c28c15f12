import { useGetTaskQuery } from '../../app/api';

interface TaskNameProps {
  taskId: string;
  /** Names already at hand (the first page of tasks by name); undefined while that page loads. */
  knownNames: ReadonlyMap<string, string> | undefined;
}

/**
 * A task's name where only its id is known (an attempt carries `task_id`, not the name). Most names
 * come from one page of tasks loaded once; a task beyond it is fetched by its id.
 */
export function TaskName({ taskId, knownNames }: TaskNameProps) {
  const known = knownNames?.get(taskId);
  const { data } = useGetTaskQuery(taskId, { skip: knownNames === undefined || known !== undefined });
  const name = known ?? data?.task_name;
  return name ?? <span className="font-mono text-xs">{taskId.slice(0, 8)}</span>;
}
