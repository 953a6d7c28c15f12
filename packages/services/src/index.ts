export { TaskService } from './task.service';
export type { TaskServiceDeps, RunRequest } from './task.service';
