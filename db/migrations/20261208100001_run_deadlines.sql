-- migrate:up

-- SPEC §13 deliver_within_ms: the instant by which a run must be delivered, fixed when it is
-- made (its due instant, jitter included, plus the task's deliver_within_ms); null: none.
ALTER TABLE task_runs ADD COLUMN deliver_by timestamptz;

-- The watchdog's look for runs in flight past their deadline.
CREATE INDEX task_runs_deliver_by_idx ON task_runs (deliver_by)
  WHERE finished_at IS NULL AND deliver_by IS NOT NULL;

-- migrate:down

DROP INDEX task_runs_deliver_by_idx;
ALTER TABLE task_runs DROP COLUMN deliver_by;
