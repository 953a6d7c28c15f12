-- migrate:up
-- SPEC §14: with ?wait=true Discord answers the message it posted; its id is kept on the
-- attempt (null when the answer carries none), so a message can be found, edited or deleted.
ALTER TABLE task_logs ADD COLUMN response_id text;

-- migrate:down
ALTER TABLE task_logs DROP COLUMN response_id;
