-- Each review knows its kind instead of having it guessed from its payload. Rows written
-- before this version are classified once by the payload their kind always wrote.
ALTER TABLE guarded_review ADD COLUMN kind VARCHAR(16);
UPDATE guarded_review SET kind = CASE
    WHEN checkpoint = 'budget' AND payload LIKE '%"budgetProfile"%' THEN 'BUDGET'
    WHEN checkpoint = 'policy' AND payload LIKE '%"policy"%' THEN 'POLICY'
    WHEN checkpoint = 'compensation' AND payload LIKE '%"compensation"%' THEN 'COMPENSATION'
    WHEN payload LIKE '%"resultType"%' AND payload LIKE '%"arguments"%' THEN 'TOOL_FAILURE'
    ELSE 'CHECKPOINT' END;
ALTER TABLE guarded_review ALTER COLUMN kind SET NOT NULL;
ALTER TABLE guarded_review ALTER COLUMN reviewers SET DATA TYPE VARCHAR(1000);
ALTER TABLE guarded_review ALTER COLUMN escalate_to SET DATA TYPE VARCHAR(1000);
ALTER TABLE guarded_review ADD COLUMN required_approvals INTEGER DEFAULT 1 NOT NULL;
ALTER TABLE guarded_review ADD COLUMN approvals INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE guarded_review ADD COLUMN editable VARCHAR(1000);

-- Every individual decision: who (the authenticated principal), with which authorities,
-- over which channel, when. One decision per reviewer and review.
CREATE TABLE guarded_review_decision (
    review_id       VARCHAR(36)                 NOT NULL,
    run_id          VARCHAR(36)                 NOT NULL,
    reviewer        VARCHAR(200)                NOT NULL,
    decision        VARCHAR(16)                 NOT NULL,
    authorities     VARCHAR(1000),
    channel         VARCHAR(16)                 NOT NULL,
    review_comment  CHARACTER VARYING,
    edits           CHARACTER VARYING,
    decided_at      TIMESTAMP WITH TIME ZONE    NOT NULL,
    CONSTRAINT guarded_review_decision_pk PRIMARY KEY (review_id, reviewer)
);

CREATE INDEX guarded_review_decision_run ON guarded_review_decision (run_id);

-- Who started a run (the authenticated principal), so that it cannot approve its own run.
ALTER TABLE guarded_run ADD COLUMN started_by VARCHAR(200);
