-- Plans with a limit of runs at once (guarded-agents.plans.<name>.max-concurrent): one row
-- per plan, locked while a run is admitted or a queued run started, so that instances
-- sharing the database count the plan's running runs one at a time (the runs are found
-- through guarded_run_lease, by status).
CREATE TABLE guarded_plan_slot (
    name            VARCHAR(200)                PRIMARY KEY
);
