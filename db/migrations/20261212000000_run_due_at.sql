-- migrate:up

-- When a run came due, where that is not its scheduled_for: a task's jitter (SPEC §13) makes
-- its run come due a stable offset after the nominal instant that scheduled_for keeps.
-- Lateness (punctuality, SPEC §15) counts from it. Null: it came due at scheduled_for.
ALTER TABLE task_runs ADD COLUMN due_at timestamptz;

-- migrate:down

ALTER TABLE task_runs DROP COLUMN due_at;
