-- When a run that sleeps (RunContext.sleep) is woken: it waits without an owner until then,
-- and any instance's recovery scan hands it back to be resumed once the time has passed.
ALTER TABLE guarded_run ADD COLUMN wake_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX guarded_run_wake ON guarded_run (status, wake_at);
