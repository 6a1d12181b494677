ALTER TABLE guarded_step ADD COLUMN model VARCHAR(200);
ALTER TABLE guarded_step ADD COLUMN prompt_name VARCHAR(200);
ALTER TABLE guarded_step ADD COLUMN prompt_version VARCHAR(100);
ALTER TABLE guarded_step ADD COLUMN prompt_hash VARCHAR(64);
ALTER TABLE guarded_step ADD COLUMN input_tokens BIGINT;
ALTER TABLE guarded_step ADD COLUMN output_tokens BIGINT;
ALTER TABLE guarded_step ADD COLUMN cached_tokens BIGINT;
ALTER TABLE guarded_step ADD COLUMN reasoning_tokens BIGINT;
ALTER TABLE guarded_step ADD COLUMN cost NUMERIC(24, 10);
ALTER TABLE guarded_run ADD COLUMN degraded BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE guarded_prompt (
    name        VARCHAR(200)                NOT NULL,
    version     VARCHAR(100)                NOT NULL,
    hash        VARCHAR(64)                 NOT NULL,
    template    TEXT                        NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE    NOT NULL,
    CONSTRAINT guarded_prompt_pk PRIMARY KEY (name, version)
);
