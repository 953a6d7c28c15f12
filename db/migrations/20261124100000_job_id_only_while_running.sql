-- migrate:up

-- A task carries a job id exactly while one of its runs is in flight: the claim
-- and run-now set both, and every end of a run clears both. The worker's finish
-- statement relies on it (it checks ownership by job id alone, so stale planner
-- statistics cannot steer it onto tasks_running_idx).
ALTER TABLE tasks ADD CONSTRAINT tasks_job_id_only_while_running
  CHECK (job_id IS NULL OR task_status = 'running');

-- migrate:down
ALTER TABLE tasks DROP CONSTRAINT tasks_job_id_only_while_running;
