-- The run that started a run as its child (AgentRuns.start inside a plan): the parent
-- waits for it (RunContext.await), counts its spend, and its cancel or failure cancels
-- the children that have not finished.
ALTER TABLE guarded_run ADD COLUMN parent_id VARCHAR(36);
CREATE INDEX guarded_run_parent ON guarded_run (parent_id);
