-- The live instances: who holds an instance id, and its heartbeat, so that a second live
-- process with the same id refuses to start instead of renewing the first one's leases.
CREATE TABLE guarded_instance (
    id           VARCHAR(200)                NOT NULL PRIMARY KEY,
    host         VARCHAR(200)                NOT NULL,
    pid          BIGINT                      NOT NULL,
    process      VARCHAR(36)                 NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE    NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE    NOT NULL
);
