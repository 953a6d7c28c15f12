export { TaskService } from './task.service';
export type { TaskServiceDeps, RunRequest } from './task.service';
export { AttemptService } from './attempt.service';
export type { AttemptServiceDeps } from './attempt.service';
export { DashboardService } from './dashboard.service';
export type { DashboardServiceDeps, DashboardStats } from './dashboard.service';
export { toPage } from './page';
export type { Page } from './page';
