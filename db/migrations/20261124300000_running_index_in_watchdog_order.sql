-- migrate:up transaction:false
-- The watchdog pages through long runs in (updated_at, id) order. On
-- tasks_running_idx (updated_at alone), every look sorted all the runs older
-- than its grace period to return one page (100,000 runs in flight: 100,000
-- rows read per look); in this index's own order a look reads its page and
-- stops. Built CONCURRENTLY (one statement per migration, outside a
-- transaction), so running services keep writing tasks meanwhile. Should the
-- build fail, drop the invalid index it leaves before migrating again:
-- DROP INDEX CONCURRENTLY tasks_running_order_idx;
CREATE INDEX CONCURRENTLY tasks_running_order_idx ON tasks (updated_at, id) WHERE task_status = 'running';

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY tasks_running_order_idx;
