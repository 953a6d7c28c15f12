-- migrate:up
-- SPEC §4: a payload comes back as it was written. jsonb keeps a parsed form and
-- gives an object's keys back sorted (shorter first, then by bytes:
-- {"aa":1,"b":2} came back as {"b":2,"aa":1}), nested objects too, so the API,
-- the dashboard's form and the webhook all saw another order than the user's.
-- json keeps the text it is given: the services store the validated payload as
-- compact JSON, in the order it was sent. The 64 KiB limit stays in the services
-- (on compact JSON, see 20261124200000); the shape check moves to json_typeof.
-- Nothing compares or indexes payloads, which json could not do.
-- Existing payloads are carried over as jsonb holds them (their first order is
-- already lost); from their next edit they keep the order they are given.
-- The type change rewrites the table under an exclusive lock: brief for the
-- table sizes this runs at, but it stops writes to tasks while it runs.
ALTER TABLE tasks DROP CONSTRAINT tasks_json_payload_shape;
ALTER TABLE tasks ALTER COLUMN json_payload TYPE json USING json_payload::json;
ALTER TABLE tasks ADD CONSTRAINT tasks_json_payload_shape
  CHECK (json_typeof(json_payload) IN ('object', 'array'));

-- migrate:down
ALTER TABLE tasks DROP CONSTRAINT tasks_json_payload_shape;
ALTER TABLE tasks ALTER COLUMN json_payload TYPE jsonb USING json_payload::jsonb;
ALTER TABLE tasks ADD CONSTRAINT tasks_json_payload_shape
  CHECK (jsonb_typeof(json_payload) IN ('object', 'array'));
