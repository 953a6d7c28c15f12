-- migrate:up

-- An attempt belongs to its run (task_logs.run_id, not null, cascading), and the run to its
-- task (cascading): deleting a task deletes its runs and their attempts through those keys.
-- The attempt's own key to its task checked the same thing again on every attempt's insert
-- (a lookup and a lock of the task's row, in the busiest statement of a delivery) and is
-- dropped; task_logs.task_id stays, for reading attempts by task.
ALTER TABLE task_logs DROP CONSTRAINT task_logs_task_id_fkey;

-- migrate:down

ALTER TABLE task_logs ADD CONSTRAINT task_logs_task_id_fkey
  FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE;
