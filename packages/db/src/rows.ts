import type { Insertable, Selectable, Updateable } from 'kysely';
import type { TaskLogs, Tasks } from './generated/db';

/** A `tasks` row as read. */
export type TaskRow = Selectable<Tasks>;
export type NewTaskRow = Insertable<Tasks>;
export type TaskRowPatch = Updateable<Tasks>;
/** A `task_logs` row as read: one delivery attempt. */
export type AttemptRow = Selectable<TaskLogs>;
