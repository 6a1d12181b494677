package dev.guardedagents;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link HumanCheckpoint} method whose action was not approved: a reviewer
 * rejected it, or nobody decided in time. The plan may catch it and branch on
 * {@link #getVerdict()}.
 */
public class CheckpointRejectedException extends RuntimeException {

	private final String checkpoint;

	private final ReviewStatus verdict;

	private final @Nullable String reviewer;

	private final @Nullable String comment;

	/**
	 * Creates a new instance.
	 * @param checkpoint the checkpoint name
	 * @param verdict {@link ReviewStatus#REJECTED} or {@link ReviewStatus#TIMED_OUT}
	 * @param reviewer who rejected, if anybody
	 * @param comment the reviewer's comment
	 */
	public CheckpointRejectedException(String checkpoint, ReviewStatus verdict, @Nullable String reviewer,
			@Nullable String comment) {
		super("Checkpoint '" + checkpoint + "' was " + ((verdict == ReviewStatus.TIMED_OUT) ? "not decided in time"
				: "rejected by " + reviewer + ((comment != null) ? ": " + comment : "")));
		this.checkpoint = checkpoint;
		this.verdict = verdict;
		this.reviewer = reviewer;
		this.comment = comment;
	}

	/**
	 * Returns the checkpoint name.
	 * @return the checkpoint
	 */
	public String getCheckpoint() {
		return this.checkpoint;
	}

	/**
	 * Returns the verdict: {@link ReviewStatus#REJECTED} or
	 * {@link ReviewStatus#TIMED_OUT}.
	 * @return the verdict
	 */
	public ReviewStatus getVerdict() {
		return this.verdict;
	}

	/**
	 * Returns who rejected the action, if a reviewer did.
	 * @return the reviewer
	 */
	public @Nullable String getReviewer() {
		return this.reviewer;
	}

	/**
	 * Returns the reviewer's comment.
	 * @return the comment
	 */
	public @Nullable String getComment() {
		return this.comment;
	}

}
