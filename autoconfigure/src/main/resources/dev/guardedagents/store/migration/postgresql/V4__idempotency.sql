CREATE TABLE guarded_idempotency (
    tool            VARCHAR(200)                NOT NULL,
    idempotency_key VARCHAR(500)                NOT NULL,
    status          VARCHAR(16)                 NOT NULL,
    owner_id        VARCHAR(100)                NOT NULL,
    output          TEXT,
    created_at      TIMESTAMP WITH TIME ZONE    NOT NULL,
    completed_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT guarded_idempotency_pk PRIMARY KEY (tool, idempotency_key)
);
