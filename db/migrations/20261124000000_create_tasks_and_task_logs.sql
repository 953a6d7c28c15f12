-- migrate:up

-- Seed 000's state machines, kept exactly.
CREATE TYPE task_status AS ENUM ('ready', 'running', 'failed');
CREATE TYPE task_log_status AS ENUM ('running', 'finish', 'failed');

CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_name text NOT NULL,
  task_schedule text NOT NULL,
  webhook_url text NOT NULL,
  json_payload jsonb NOT NULL,
  max_retry integer NOT NULL DEFAULT 3,
  task_status task_status NOT NULL DEFAULT 'ready',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  enabled boolean NOT NULL DEFAULT true,
  timezone text NOT NULL DEFAULT 'UTC',
  -- The next due instant; null until the publisher computes it (rows inserted by hand).
  next_run_at timestamptz,
  -- When the task was last enqueued.
  last_run_at timestamptz,
  -- The BullMQ job of the run in flight while task_status = 'running'; lets the
  -- watchdog tell a live run from one lost in a crash.
  job_id text,
  CONSTRAINT tasks_task_name_length CHECK (char_length(task_name) BETWEEN 1 AND 200),
  CONSTRAINT tasks_max_retry_range CHECK (max_retry BETWEEN 0 AND 10),
  CONSTRAINT tasks_json_payload_shape CHECK (jsonb_typeof(json_payload) IN ('object', 'array')),
  CONSTRAINT tasks_json_payload_size CHECK (octet_length(json_payload::text) <= 65536)
);

-- The publisher's claim: ready, enabled and due, oldest first.
CREATE INDEX tasks_due_idx ON tasks (next_run_at) WHERE task_status = 'ready' AND enabled;
-- Rows that still need their first due instant computed.
CREATE INDEX tasks_unscheduled_idx ON tasks (created_at) WHERE next_run_at IS NULL;
-- The watchdog's scan of runs in flight.
CREATE INDEX tasks_running_idx ON tasks (updated_at) WHERE task_status = 'running';
CREATE INDEX tasks_created_at_idx ON tasks (created_at);

CREATE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE task_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  -- Milliseconds from the attempt's start to its end; null while running.
  execution_time integer,
  status task_log_status NOT NULL DEFAULT 'running',
  -- 0 for the first attempt, 1 for the first retry, ...
  retry_count integer NOT NULL DEFAULT 0,
  message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The due instant this attempt belongs to (for a run-now: when it was asked for).
  scheduled_for timestamptz NOT NULL,
  http_status integer,
  -- One row per attempt; a redelivery of the same attempt reuses its row.
  CONSTRAINT task_logs_attempt_key UNIQUE (task_id, scheduled_for, retry_count)
);

CREATE INDEX task_logs_task_id_created_at_idx ON task_logs (task_id, created_at DESC);
CREATE INDEX task_logs_created_at_idx ON task_logs (created_at DESC);

-- migrate:down
DROP TABLE task_logs;
DROP TABLE tasks;
DROP FUNCTION set_updated_at();
DROP TYPE task_log_status;
DROP TYPE task_status;
