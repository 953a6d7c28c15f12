-- migrate:up
-- The watchdog looks for runs past their delivery deadline every few seconds. Only tasks
-- with a deadline can have such a run: this index holds just those of them that have a run
-- in flight, so the look costs nothing while no task has a deadline, and stays small
-- beside a burst of thousands of runs in flight (it used to walk every one of them).
CREATE INDEX tasks_running_deadline_idx ON tasks (id)
  WHERE task_status = 'running' AND deliver_within_ms IS NOT NULL;

-- migrate:down
DROP INDEX tasks_running_deadline_idx;
