-- migrate:up
-- A run's row is updated twice after its insert (its first attempt starts, it ends), an
-- attempt's once (its result). With pages filled to the brim those updates find no room on
-- their page, so each writes new entries in every index. Room left on each page keeps them
-- HOT (heap-only: no index entry written), as no index names the columns they change.
ALTER TABLE task_runs SET (fillfactor = 80);
ALTER TABLE task_logs SET (fillfactor = 85);

-- migrate:down
ALTER TABLE task_runs RESET (fillfactor);
ALTER TABLE task_logs RESET (fillfactor);
