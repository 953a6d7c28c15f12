-- migrate:up
-- SPEC §14: a webhook that says it is gone (Discord 10015 Unknown Webhook, 50027 Invalid
-- Webhook Token, or a 410 from any webhook) disables its task; disabled_reason says what
-- happened, and enabling the task again clears it. Only a disabled task has a reason.
ALTER TABLE tasks
  ADD COLUMN disabled_reason text,
  ADD CONSTRAINT tasks_disabled_reason_only_when_disabled CHECK (disabled_reason IS NULL OR NOT enabled);

-- migrate:down
ALTER TABLE tasks DROP COLUMN disabled_reason;
