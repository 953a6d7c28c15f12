-- migrate:up
-- SPEC §12: a destination's own limits, over the defaults (DESTINATION_MAX_CONCURRENCY,
-- no rate). `key` is the origin (scheme://host:port) or discord:<webhook id>; a null
-- limit means the default. Holds, slots and pacing are Redis's (they are short-lived
-- and shared by every worker); only what a user sets is kept here.
CREATE TABLE destinations (
  key text PRIMARY KEY,
  max_concurrency int CHECK (max_concurrency BETWEEN 1 AND 10000),
  rate_limit_max int CHECK (rate_limit_max BETWEEN 1 AND 1000000),
  rate_limit_per_seconds int CHECK (rate_limit_per_seconds BETWEEN 1 AND 86400),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- A rate is a count per a length of time: both or neither.
  CONSTRAINT destinations_rate_whole CHECK ((rate_limit_max IS NULL) = (rate_limit_per_seconds IS NULL))
);

CREATE TRIGGER destinations_set_updated_at BEFORE UPDATE ON destinations
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- migrate:down
DROP TABLE destinations;
