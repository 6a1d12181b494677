package dev.guardedagents;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A review: a question to a person that a run waits for.
 *
 * @param id the review id
 * @param runId the run that waits for it
 * @param seq the position of the step it stands for in the run
 * @param round 1, then one more for each escalation or further review at the position
 * @param kind what it asks to decide
 * @param checkpoint the checkpoint name, or for other kinds the tool name,
 * {@code budget}, {@code policy} or {@code compensation}
 * @param status the status
 * @param reviewers the reviewer groups asked, comma-separated
 * @param summary the rendered summary
 * @param payload what the reviewers decide on, as a JSON object: the arguments of a
 * checkpoint by parameter name, or what the kind holds
 * @param onTimeout what happens when nobody decides in time
 * @param deadline when the timeout passes
 * @param reviewer who decided (the last approver of a review that needs several)
 * @param comment the reviewer's comment
 * @param edits the edits of the approval, as a JSON object
 * @param requiredApprovals how many distinct reviewers must approve
 * @param approvals how many approved so far
 * @param editable the parameters an approval may edit (checkpoints)
 * @param createdAt when the review was opened
 * @param decidedAt when it was decided
 */
public record ReviewView(String id, String runId, int seq, int round, ReviewKind kind, String checkpoint,
		ReviewStatus status, @Nullable String reviewers, @Nullable String summary, String payload,
		TimeoutOutcome onTimeout, @Nullable Instant deadline, @Nullable String reviewer, @Nullable String comment,
		@Nullable String edits, int requiredApprovals, int approvals, List<String> editable, Instant createdAt,
		@Nullable Instant decidedAt) {

}
