-- migrate:up

-- A run is one firing of a task (SPEC §11); its attempts are the task_logs rows.
CREATE TYPE task_run_trigger AS ENUM ('schedule', 'manual', 'retry', 'dependency');
CREATE TYPE task_run_status AS ENUM ('queued', 'running', 'finish', 'failed', 'cancelled', 'expired', 'skipped');
-- An attempt aborted by a cancel. (Added, not used, in this transaction: PostgreSQL
-- allows a new enum value to be used only once it is committed.)
ALTER TYPE task_log_status ADD VALUE 'cancelled';

CREATE TABLE task_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  -- The due instant; for a run now or a retry, when it was asked for.
  scheduled_for timestamptz NOT NULL,
  trigger task_run_trigger NOT NULL,
  -- queued: claimed, no attempt started; running: an attempt in flight or a retry pending.
  status task_run_status NOT NULL DEFAULT 'queued',
  attempt_count integer NOT NULL DEFAULT 0,
  retry_of uuid REFERENCES task_runs (id) ON DELETE SET NULL,
  -- The body sent instead of the task's payload (a retry with an edited payload).
  payload_override jsonb,
  -- Why it ended as it did.
  message text,
  -- Of its last attempt.
  http_status integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- What the task goes back to when the run ends without a verdict (cancelled,
  -- expired, skipped): ready, or failed for a run now or a retry of a failed task.
  prior_task_status task_status NOT NULL DEFAULT 'ready',
  -- A run is in flight (queued or running) exactly until it ends. No index names the status
  -- or finished_at, so an attempt's start and a run's end change no indexed column and
  -- PostgreSQL updates the row in place (HOT). A task has at most one run in flight, its
  -- newest: the task row says so (running, under the run's job), and a run is made only
  -- by taking the task from another status, under its row lock.
  CONSTRAINT task_runs_in_flight_until_finished
    CHECK ((finished_at IS NULL) = (status IN ('queued', 'running'))),
  CONSTRAINT task_runs_payload_override_shape
    CHECK (payload_override IS NULL OR jsonb_typeof(payload_override) IN ('object', 'array'))
) WITH (fillfactor = 85);

-- A due instant is one run, whatever number of publishers claim it.
CREATE UNIQUE INDEX task_runs_schedule_key ON task_runs (task_id, scheduled_for) WHERE trigger = 'schedule';
-- History: a task's runs, newest first (its run in flight is the first).
CREATE INDEX task_runs_task_id_created_at_idx ON task_runs (task_id, created_at DESC);
-- All runs, newest first; retention walks it from the oldest.
CREATE INDEX task_runs_created_at_idx ON task_runs (created_at DESC);
-- Deleting a run sets retry_of to null in the runs that retried it.
CREATE INDEX task_runs_retry_of_idx ON task_runs (retry_of) WHERE retry_of IS NOT NULL;

-- Today's history carried over: one run per (task, due instant) that has attempts.
-- The run of a task running now under that instant's job is still running; any
-- other ended finish if one of its attempts did, failed otherwise.
INSERT INTO task_runs (task_id, scheduled_for, trigger, status, attempt_count, message, http_status,
                       created_at, started_at, finished_at)
SELECT l.task_id, l.scheduled_for, 'schedule',
       CASE WHEN bool_or(t.live) THEN 'running'
            WHEN bool_or(l.status = 'finish') THEN 'finish'
            ELSE 'failed' END::task_run_status,
       count(*),
       CASE WHEN bool_or(t.live) THEN NULL ELSE (array_agg(l.message ORDER BY l.retry_count DESC))[1] END,
       (array_agg(l.http_status ORDER BY l.retry_count DESC))[1],
       min(l.created_at), min(l.created_at),
       CASE WHEN bool_or(t.live) THEN NULL
            ELSE max(l.created_at + coalesce(l.execution_time, 0) * interval '1 millisecond') END
FROM task_logs l
JOIN LATERAL (
  SELECT tasks.task_status = 'running' AND tasks.job_id IS NOT NULL
         AND split_part(tasks.job_id, '_', 2) ~ '^[0-9]+$'
         AND l.scheduled_for = timestamptz 'epoch' + split_part(tasks.job_id, '_', 2)::bigint * interval '1 millisecond'
         AS live
  FROM tasks WHERE tasks.id = l.task_id
) t ON true
GROUP BY l.task_id, l.scheduled_for;

-- A task running now whose run has no attempt yet: its run is queued.
INSERT INTO task_runs (task_id, scheduled_for, trigger, status)
SELECT tasks.id, timestamptz 'epoch' + split_part(tasks.job_id, '_', 2)::bigint * interval '1 millisecond', 'schedule', 'queued'
FROM tasks
WHERE tasks.task_status = 'running' AND tasks.job_id ~ '_[0-9]+$'
  AND NOT EXISTS (SELECT 1 FROM task_runs r WHERE r.task_id = tasks.id AND r.status IN ('queued', 'running'));

ALTER TABLE task_logs ADD COLUMN run_id uuid REFERENCES task_runs (id) ON DELETE CASCADE;
UPDATE task_logs SET run_id = r.id
FROM task_runs r WHERE r.task_id = task_logs.task_id AND r.scheduled_for = task_logs.scheduled_for;
ALTER TABLE task_logs ALTER COLUMN run_id SET NOT NULL;
-- An attempt is the n-th of its run (one index for both: the run's attempts in order).
ALTER TABLE task_logs DROP CONSTRAINT task_logs_attempt_key;
ALTER TABLE task_logs ADD CONSTRAINT task_logs_attempt_key UNIQUE (run_id, retry_count);

-- One-time tasks (SPEC §11): run_at instead of task_schedule.
ALTER TABLE tasks ADD COLUMN run_at timestamptz;
ALTER TABLE tasks ALTER COLUMN task_schedule DROP NOT NULL;
-- Rows that still need their first due instant computed: only tasks with a
-- schedule (a one-time task that has fired has none, and never will).
CREATE INDEX tasks_unscheduled_schedule_idx ON tasks (created_at)
  WHERE next_run_at IS NULL AND task_schedule IS NOT NULL;
DROP INDEX tasks_unscheduled_idx;

-- migrate:down
CREATE INDEX tasks_unscheduled_idx ON tasks (created_at) WHERE next_run_at IS NULL;
DROP INDEX tasks_unscheduled_schedule_idx;
DELETE FROM tasks WHERE task_schedule IS NULL;
ALTER TABLE tasks ALTER COLUMN task_schedule SET NOT NULL;
ALTER TABLE tasks DROP COLUMN run_at;
ALTER TABLE task_logs DROP CONSTRAINT task_logs_attempt_key;
ALTER TABLE task_logs DROP COLUMN run_id;
DELETE FROM task_logs l USING task_logs o
WHERE l.task_id = o.task_id AND l.scheduled_for = o.scheduled_for AND l.retry_count = o.retry_count
  AND l.id > o.id;
ALTER TABLE task_logs ADD CONSTRAINT task_logs_attempt_key UNIQUE (task_id, scheduled_for, retry_count);
DROP TABLE task_runs;
DROP TYPE task_run_status;
DROP TYPE task_run_trigger;
-- task_log_status keeps 'cancelled': PostgreSQL cannot drop an enum value.
UPDATE task_logs SET status = 'failed' WHERE status = 'cancelled';
