-- migrate:up
-- The watchdog pages through long runs in (updated_at, id) order. Indexed on
-- updated_at alone, every look sorted all the runs older than its grace period
-- to return one page (100,000 runs in flight: 100,000 rows read per look); in
-- the index's own order, a look reads its page and stops.
DROP INDEX tasks_running_idx;
CREATE INDEX tasks_running_idx ON tasks (updated_at, id) WHERE task_status = 'running';

-- migrate:down
DROP INDEX tasks_running_idx;
CREATE INDEX tasks_running_idx ON tasks (updated_at) WHERE task_status = 'running';
