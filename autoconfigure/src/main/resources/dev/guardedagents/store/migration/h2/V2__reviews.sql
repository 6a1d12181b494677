CREATE TABLE guarded_review (
    id               VARCHAR(36)                 NOT NULL PRIMARY KEY,
    run_id           VARCHAR(36)                 NOT NULL,
    seq              INTEGER                     NOT NULL,
    round            INTEGER                     NOT NULL,
    checkpoint       VARCHAR(200)                NOT NULL,
    status           VARCHAR(16)                 NOT NULL,
    reviewers        VARCHAR(200),
    summary          CHARACTER VARYING,
    payload          CHARACTER VARYING           NOT NULL,
    on_timeout       VARCHAR(16)                 NOT NULL,
    escalate_to      VARCHAR(200),
    escalation_timeout_ms BIGINT,
    deadline         TIMESTAMP WITH TIME ZONE,
    reviewer         VARCHAR(200),
    review_comment   CHARACTER VARYING,
    edits            CHARACTER VARYING,
    created_at       TIMESTAMP WITH TIME ZONE    NOT NULL,
    decided_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT guarded_review_position UNIQUE (run_id, seq, round)
);

CREATE INDEX guarded_review_deadline ON guarded_review (status, deadline);
CREATE INDEX guarded_review_created ON guarded_review (created_at);
