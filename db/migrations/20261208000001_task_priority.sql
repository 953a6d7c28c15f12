-- migrate:up
-- SPEC §12: where runs wait (workers busy, a destination held or at its limit), a
-- higher priority goes first; equal priority goes in due order. 1..10, default 5:
-- existing tasks are all 5, as before.
ALTER TABLE tasks ADD COLUMN priority int NOT NULL DEFAULT 5
  CONSTRAINT tasks_priority_range CHECK (priority BETWEEN 1 AND 10);

-- migrate:down
ALTER TABLE tasks DROP COLUMN priority;
