-- What operators did to runs (a retry, who, when), and the step records a retry set aside:
-- a retried run executes its failed step again, and the failed attempt stays visible here.
CREATE TABLE guarded_run_action (
    run_id          VARCHAR(36)                 NOT NULL,
    action          VARCHAR(32)                 NOT NULL,
    actor           VARCHAR(200)                NOT NULL,
    acted_at        TIMESTAMP WITH TIME ZONE    NOT NULL,
    detail          CHARACTER VARYING
);
CREATE INDEX guarded_run_action_run ON guarded_run_action (run_id, acted_at);

CREATE TABLE guarded_step_history (
    run_id          VARCHAR(36)                 NOT NULL,
    seq             INTEGER                     NOT NULL,
    set_aside_at    TIMESTAMP WITH TIME ZONE    NOT NULL,
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
    fell_back       BOOLEAN DEFAULT FALSE       NOT NULL,
    attempt_errors  CHARACTER VARYING,
    model           VARCHAR(200),
    prompt_name     VARCHAR(200),
    prompt_version  VARCHAR(100),
    prompt_hash     VARCHAR(64),
    input_tokens    BIGINT,
    output_tokens   BIGINT,
    cached_tokens   BIGINT,
    reasoning_tokens BIGINT,
    cost            NUMERIC(24, 10)
);
CREATE INDEX guarded_step_history_run ON guarded_step_history (run_id, seq);
