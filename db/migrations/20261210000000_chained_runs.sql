-- migrate:up

-- SPEC §13 chains: a chained task (depends_on, and neither task_schedule nor run_at) runs
-- once per round of its dependencies' successes. Its run's scheduled_for is the instant the
-- round completed (the latest of its dependencies' finish runs' ends), so a round is one
-- run however many publishers release it at once: the second insert finds this key taken.
CREATE UNIQUE INDEX task_runs_dependency_key ON task_runs (task_id, scheduled_for) WHERE trigger = 'dependency';

-- The chained tasks a publisher looks at every tick: few, found without reading the others.
CREATE INDEX tasks_chained_idx ON tasks (id) WHERE task_schedule IS NULL AND run_at IS NULL;

-- migrate:down

DROP INDEX tasks_chained_idx;
DROP INDEX task_runs_dependency_key;
