-- migrate:up transaction:false
-- tasks_running_order_idx (the previous migration) serves every query this one did.
DROP INDEX CONCURRENTLY tasks_running_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY tasks_running_idx ON tasks (updated_at) WHERE task_status = 'running';
