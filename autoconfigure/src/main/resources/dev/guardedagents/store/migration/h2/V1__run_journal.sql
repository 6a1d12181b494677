CREATE TABLE guarded_run (
    id              VARCHAR(36)                 NOT NULL PRIMARY KEY,
    name            VARCHAR(200)                NOT NULL,
    plan_version    VARCHAR(50)                 NOT NULL,
    status          VARCHAR(16)                 NOT NULL,
    business_key    VARCHAR(500),
    idempotency_key VARCHAR(500),
    arguments       CHARACTER VARYING           NOT NULL,
    result          CHARACTER VARYING,
    error_type      VARCHAR(500),
    error_message   CHARACTER VARYING,
    owner_id        VARCHAR(200),
    owner_epoch     BIGINT                      NOT NULL,
    lease_until     TIMESTAMP WITH TIME ZONE,
    recoveries      INTEGER                     NOT NULL,
    step_count      INTEGER                     NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE    NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE    NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT guarded_run_idempotency UNIQUE (name, idempotency_key)
);

CREATE INDEX guarded_run_lease ON guarded_run (status, lease_until);
CREATE INDEX guarded_run_owner ON guarded_run (owner_id, status);
CREATE INDEX guarded_run_created ON guarded_run (created_at);
CREATE INDEX guarded_run_business_key ON guarded_run (business_key);

CREATE TABLE guarded_step (
    run_id          VARCHAR(36)                 NOT NULL,
    seq             INTEGER                     NOT NULL,
    kind            VARCHAR(16)                 NOT NULL,
    name            VARCHAR(200)                NOT NULL,
    succeeded       BOOLEAN                     NOT NULL,
    attempts        INTEGER                     NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE    NOT NULL,
    duration_micros BIGINT                      NOT NULL,
    input           CHARACTER VARYING,
    output          CHARACTER VARYING,
    error_type      VARCHAR(500),
    error_message   CHARACTER VARYING,
    idempotency_key VARCHAR(100)                NOT NULL,
    CONSTRAINT guarded_step_pk PRIMARY KEY (run_id, seq)
);
