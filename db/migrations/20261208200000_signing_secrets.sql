-- migrate:up
-- SPEC §14 signed deliveries: each task has a Standard Webhooks secret
-- (whsec_ + base64 of 32 random bytes). The services make it with the system's
-- CSPRNG at create; the default gives tasks made before this migration (and rows
-- inserted without one) a secret from two gen_random_uuid() values, which
-- PostgreSQL draws from its strong random source (244 random bits of 256).
-- After a rotation the previous secret signs too, for 24 h from
-- secret_rotated_at: receivers can switch without missing a request.
ALTER TABLE tasks
  ADD COLUMN signing_secret text NOT NULL DEFAULT 'whsec_' || encode(
    decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 'hex'),
    'base64'),
  ADD COLUMN previous_signing_secret text,
  ADD COLUMN secret_rotated_at timestamptz;

-- migrate:down
ALTER TABLE tasks
  DROP COLUMN signing_secret,
  DROP COLUMN previous_signing_secret,
  DROP COLUMN secret_rotated_at;
