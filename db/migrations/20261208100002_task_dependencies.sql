-- migrate:up

-- SPEC §13 depends_on: a task runs after the tasks it depends on (a gate, or a chain).
CREATE TABLE task_dependencies (
  task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  depends_on uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, depends_on),
  CONSTRAINT task_dependencies_not_self CHECK (task_id <> depends_on)
);

-- A task's dependents.
CREATE INDEX task_dependencies_depends_on_idx ON task_dependencies (depends_on);

-- migrate:down

DROP TABLE task_dependencies;
