-- migrate:up

-- Execution control (SPEC §13): an active range, a pause, a delivery deadline, what to do
-- with missed instants, and a jitter. Every column is nullable or has a default: a row
-- written without them is valid, and means none of them.
CREATE TYPE task_catch_up AS ENUM ('latest', 'none', 'all');

ALTER TABLE tasks
  ADD COLUMN starts_at timestamptz,
  ADD COLUMN ends_at timestamptz,
  -- No run comes due before it; the claim that follows it clears it.
  ADD COLUMN paused_until timestamptz,
  ADD COLUMN deliver_within_ms integer,
  ADD COLUMN catch_up task_catch_up NOT NULL DEFAULT 'latest',
  ADD COLUMN jitter_ms integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT tasks_active_range_order CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at),
  ADD CONSTRAINT tasks_deliver_within_ms_min CHECK (deliver_within_ms IS NULL OR deliver_within_ms >= 1000),
  ADD CONSTRAINT tasks_jitter_ms_range CHECK (jitter_ms BETWEEN 0 AND 3600000);

-- migrate:down

ALTER TABLE tasks
  DROP COLUMN starts_at,
  DROP COLUMN ends_at,
  DROP COLUMN paused_until,
  DROP COLUMN deliver_within_ms,
  DROP COLUMN catch_up,
  DROP COLUMN jitter_ms;
DROP TYPE task_catch_up;
