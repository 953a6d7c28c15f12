-- migrate:up
-- SPEC §14 request options per task: the HTTP method, the task's own headers (a
-- JSON object, name → value, kept as written: json, not jsonb, like json_payload)
-- and its own timeout (null: WEBHOOK_TIMEOUT_MS). The services check names,
-- values and the upper bound of the timeout (WEBHOOK_TIMEOUT_MAX_MS, a setting);
-- the table keeps what no setting changes.
CREATE TYPE http_method AS ENUM ('POST', 'PUT', 'PATCH', 'DELETE', 'GET');
ALTER TABLE tasks
  ADD COLUMN http_method http_method NOT NULL DEFAULT 'POST',
  ADD COLUMN headers json NOT NULL DEFAULT '{}'
    CONSTRAINT tasks_headers_object CHECK (json_typeof(headers) = 'object'),
  ADD COLUMN timeout_ms integer
    CONSTRAINT tasks_timeout_ms_floor CHECK (timeout_ms >= 1000);

-- migrate:down
ALTER TABLE tasks
  DROP COLUMN http_method,
  DROP COLUMN headers,
  DROP COLUMN timeout_ms;
DROP TYPE http_method;
