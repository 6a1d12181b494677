-- The limit of each plan's runs at once, as the instances that configure it wrote it at
-- start-up: every instance, whatever its own configuration, queues and starts the plan's
-- runs by it. NULL: the plan has no limit (any more).
ALTER TABLE guarded_plan_slot ADD COLUMN max_concurrent INTEGER;
