ALTER TABLE guarded_run ADD COLUMN compensation VARCHAR(24);
ALTER TABLE guarded_run ADD COLUMN compensation_ending VARCHAR(16);
