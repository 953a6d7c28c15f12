-- migrate:up

-- SPEC §13 deliver_within_ms: the instant by which a run must be delivered, fixed when it is
-- made (its due instant, jitter included, plus the task's deliver_within_ms); null: none.
ALTER TABLE task_runs ADD COLUMN deliver_by timestamptz;

-- No index: the watchdog finds runs past their deadline among the runs in flight, through
-- their tasks (tasks_running_order_idx); an index on finished_at would make every run's end
-- a non-HOT update.

-- migrate:down

ALTER TABLE task_runs DROP COLUMN deliver_by;
