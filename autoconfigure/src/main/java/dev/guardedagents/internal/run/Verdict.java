package dev.guardedagents.internal.run;

import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.ReviewStatus;
import org.jspecify.annotations.Nullable;

/**
 * The decision on a checkpoint as journaled in its step, so that replay applies it
 * without asking again.
 *
 * @param status the verdict: approved, rejected or timed out
 * @param reviewId the review that decided
 * @param reviewer who decided
 * @param comment the reviewer's comment
 * @param edits the edited arguments as a JSON object, if any
 */
record Verdict(ReviewStatus status, String reviewId, @Nullable String reviewer, @Nullable String comment,
		@Nullable String edits) {

	CheckpointRejectedException rejection(String checkpoint) {
		return new CheckpointRejectedException(checkpoint, this.status, this.reviewer, this.comment);
	}

}
