package dev.guardedagents.internal.store;

import java.time.Instant;
import java.util.List;

import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.security.ReviewAccess;
import org.jspecify.annotations.Nullable;

/**
 * A review to open. Internal: not API.
 *
 * @param id the review id
 * @param runId the run that waits for it
 * @param seq the position of the step it stands for
 * @param round its round at the position
 * @param kind what it asks
 * @param checkpoint the checkpoint or tool name, or the kind's name
 * @param reviewers the reviewer groups asked
 * @param summary the rendered summary
 * @param payload what the reviewers decide on, as a JSON object
 * @param onTimeout what happens when nobody decides in time
 * @param deadline when the timeout passes
 * @param requiredApprovals how many distinct reviewers must approve
 * @param editable the parameters an approval may edit
 * @param escalateTo the reviewer groups asked when the timeout escalates
 * @param escalationTimeoutMillis how long they have
 * @param createdAt when it is opened
 */
public record NewReview(String id, String runId, int seq, int round, ReviewKind kind, String checkpoint,
		List<String> reviewers, @Nullable String summary, String payload, TimeoutOutcome onTimeout, Instant deadline,
		int requiredApprovals, List<String> editable, List<String> escalateTo, @Nullable Long escalationTimeoutMillis,
		Instant createdAt) {

	/**
	 * Returns this review at another round.
	 * @param round the round
	 * @return the review
	 */
	public NewReview atRound(int round) {
		return new NewReview(this.id, this.runId, this.seq, round, this.kind, this.checkpoint, this.reviewers,
				this.summary, this.payload, this.onTimeout, this.deadline, this.requiredApprovals, this.editable,
				this.escalateTo, this.escalationTimeoutMillis, this.createdAt);
	}

	/**
	 * Returns the review as it reads once opened.
	 * @return the pending review
	 */
	public ReviewView view() {
		return new ReviewView(this.id, this.runId, this.seq, this.round, this.kind, this.checkpoint,
				ReviewStatus.PENDING, ReviewAccess.join(this.reviewers), this.summary, this.payload, this.onTimeout,
				this.deadline, null, null, null, this.requiredApprovals, 0, this.editable, this.createdAt, null);
	}

}
