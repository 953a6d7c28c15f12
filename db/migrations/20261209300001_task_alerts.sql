-- migrate:up
-- SPEC §14 alerts. alert_url: where a task's own alerts go (besides ALERT_WEBHOOK_URL);
-- null: none. failing: whether the task's latest run that ended with an attempt failed,
-- so a run's end raises task.failed or task.recovered only when this changes (one alert
-- per change, however often a task fails in a row); the statement that ends a run flips
-- it, so one run's end alone sees each change. Tasks failed now start failing: their next
-- failure is no change, their next success a recovery.
ALTER TABLE tasks
  ADD COLUMN alert_url text,
  ADD COLUMN failing boolean NOT NULL DEFAULT false;
UPDATE tasks SET failing = true WHERE task_status = 'failed';

-- migrate:down
ALTER TABLE tasks
  DROP COLUMN alert_url,
  DROP COLUMN failing;
