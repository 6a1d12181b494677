package dev.guardedagents;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A review of a {@link HumanCheckpoint}.
 *
 * @param id the review id
 * @param runId the run that waits for it
 * @param seq the position of the checkpoint in the run
 * @param round 1, then one more for each escalation
 * @param checkpoint the checkpoint name
 * @param status the status
 * @param reviewers the group of reviewers asked
 * @param summary the rendered summary
 * @param payload the arguments of the checkpoint method, as a JSON object by parameter
 * name
 * @param onTimeout what happens when nobody decides in time
 * @param deadline when the timeout passes
 * @param reviewer who decided
 * @param comment the reviewer's comment
 * @param edits the arguments the reviewer changed, as a JSON object by parameter name
 * @param createdAt when the review was opened
 * @param decidedAt when it was decided
 */
public record ReviewView(String id, String runId, int seq, int round, String checkpoint, ReviewStatus status,
		@Nullable String reviewers, @Nullable String summary, String payload, TimeoutOutcome onTimeout,
		@Nullable Instant deadline, @Nullable String reviewer, @Nullable String comment, @Nullable String edits,
		Instant createdAt, @Nullable Instant decidedAt) {

}
