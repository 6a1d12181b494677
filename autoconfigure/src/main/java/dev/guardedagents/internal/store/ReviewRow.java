package dev.guardedagents.internal.store;

import java.time.Instant;
import java.util.List;

import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.TimeoutOutcome;
import org.jspecify.annotations.Nullable;

/**
 * A review as the journal holds it, as the engine and the review desk read it back. The
 * public {@link ReviewView} is made from it where a review leaves the starter (the
 * {@code Reviews} API, events, exceptions), so that a column the engine adds is not a
 * change of the API. Internal: not API.
 *
 * @param id the review id
 * @param runId the run that waits for it
 * @param seq the position of the step it stands for in the run
 * @param round 1, then one more for each escalation or further review at the position
 * @param kind what it asks to decide
 * @param checkpoint the checkpoint name, or for other kinds what it is about
 * @param status the status
 * @param reviewers the reviewer groups asked, comma-separated
 * @param summary the rendered summary
 * @param payload what the reviewers decide on, as a JSON object
 * @param onTimeout what happens when nobody decides in time
 * @param deadline when the timeout passes
 * @param reviewer who decided
 * @param comment the reviewer's comment
 * @param edits the edits of the approval, as a JSON object
 * @param requiredApprovals how many distinct reviewers must approve
 * @param approvals how many approved so far
 * @param editable the parameters an approval may edit
 * @param createdAt when the review was opened
 * @param decidedAt when it was decided
 */
public record ReviewRow(String id, String runId, int seq, int round, ReviewKind kind, String checkpoint,
		ReviewStatus status, @Nullable String reviewers, @Nullable String summary, String payload,
		TimeoutOutcome onTimeout, @Nullable Instant deadline, @Nullable String reviewer, @Nullable String comment,
		@Nullable String edits, int requiredApprovals, int approvals, List<String> editable, Instant createdAt,
		@Nullable Instant decidedAt) {

	/**
	 * Returns the review as the API shows it.
	 * @return the public view
	 */
	public ReviewView view() {
		return new ReviewView(this.id, this.runId, this.seq, this.round, this.kind, this.checkpoint, this.status,
				this.reviewers, this.summary, this.payload, this.onTimeout, this.deadline, this.reviewer, this.comment,
				this.edits, this.requiredApprovals, this.approvals, this.editable, this.createdAt, this.decidedAt);
	}

}
