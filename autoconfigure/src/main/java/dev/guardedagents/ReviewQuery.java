package dev.guardedagents;

import org.jspecify.annotations.Nullable;

/**
 * Which reviews to list, and which page of them. Pending reviews come soonest deadline
 * first; any other selection newest first.
 *
 * <pre class="code">
 * ReviewPage page = reviews.list(ReviewQuery.pending().withKind(ReviewKind.BUDGET).withPage(0, 50));
 * </pre>
 *
 * @param status the status to match, or {@code null} for every status
 * @param kind the kind to match, or {@code null} for every kind
 * @param checkpoint the checkpoint (or tool) name to match, or {@code null} for all
 * @param runId the run to match, or {@code null} for all
 * @param reviewerGroup a reviewer group the review must name, or {@code null} for all
 * @param decidableBy only the reviews this reviewer may still decide, or {@code null} for
 * all
 * @param page the page, from 0
 * @param size the page size, 1 to {@value #MAX_SIZE}
 */
public record ReviewQuery(@Nullable ReviewStatus status, @Nullable ReviewKind kind, @Nullable String checkpoint,
		@Nullable String runId, @Nullable String reviewerGroup, @Nullable Reviewer decidableBy, int page, int size) {

	/**
	 * The largest page size.
	 */
	public static final int MAX_SIZE = 200;

	/**
	 * Checks the page.
	 * @param status the status to match
	 * @param kind the kind to match
	 * @param checkpoint the checkpoint name to match
	 * @param runId the run to match
	 * @param reviewerGroup a reviewer group to match
	 * @param decidableBy the reviewer who may decide
	 * @param page the page
	 * @param size the page size
	 */
	public ReviewQuery {
		if (page < 0) {
			throw new IllegalArgumentException("page must not be negative, was " + page);
		}
		if (size < 1 || size > MAX_SIZE) {
			throw new IllegalArgumentException("size must be between 1 and " + MAX_SIZE + ", was " + size);
		}
	}

	/**
	 * The first 20 pending reviews, soonest deadline first.
	 * @return the query
	 */
	public static ReviewQuery pending() {
		return new ReviewQuery(ReviewStatus.PENDING, null, null, null, null, null, 0, 20);
	}

	/**
	 * The first 20 reviews of every status, newest first.
	 * @return the query
	 */
	public static ReviewQuery all() {
		return new ReviewQuery(null, null, null, null, null, null, 0, 20);
	}

	/**
	 * Returns this query for reviews of one status.
	 * @param status the status, or {@code null} for all
	 * @return the query
	 */
	public ReviewQuery withStatus(@Nullable ReviewStatus status) {
		return new ReviewQuery(status, this.kind, this.checkpoint, this.runId, this.reviewerGroup, this.decidableBy,
				this.page, this.size);
	}

	/**
	 * Returns this query for reviews of one kind.
	 * @param kind the kind, or {@code null} for all
	 * @return the query
	 */
	public ReviewQuery withKind(@Nullable ReviewKind kind) {
		return new ReviewQuery(this.status, kind, this.checkpoint, this.runId, this.reviewerGroup, this.decidableBy,
				this.page, this.size);
	}

	/**
	 * Returns this query for reviews of one checkpoint (or tool).
	 * @param checkpoint the name, or {@code null} for all
	 * @return the query
	 */
	public ReviewQuery withCheckpoint(@Nullable String checkpoint) {
		return new ReviewQuery(this.status, this.kind, checkpoint, this.runId, this.reviewerGroup, this.decidableBy,
				this.page, this.size);
	}

	/**
	 * Returns this query for the reviews of one run.
	 * @param runId the run id, or {@code null} for all
	 * @return the query
	 */
	public ReviewQuery withRunId(@Nullable String runId) {
		return new ReviewQuery(this.status, this.kind, this.checkpoint, runId, this.reviewerGroup, this.decidableBy,
				this.page, this.size);
	}

	/**
	 * Returns this query for the reviews that name a reviewer group.
	 * @param reviewerGroup the group, or {@code null} for all
	 * @return the query
	 */
	public ReviewQuery withReviewerGroup(@Nullable String reviewerGroup) {
		return new ReviewQuery(this.status, this.kind, this.checkpoint, this.runId, reviewerGroup, this.decidableBy,
				this.page, this.size);
	}

	/**
	 * Returns this query for the reviews a reviewer may still decide: one of its groups
	 * is asked, and it did not decide the review yet.
	 * @param reviewer the reviewer, or {@code null} for all
	 * @return the query
	 */
	public ReviewQuery withDecidableBy(@Nullable Reviewer reviewer) {
		return new ReviewQuery(this.status, this.kind, this.checkpoint, this.runId, this.reviewerGroup, reviewer,
				this.page, this.size);
	}

	/**
	 * Returns this query for another page.
	 * @param page the page, from 0
	 * @param size the page size, 1 to {@value #MAX_SIZE}
	 * @return the query
	 */
	public ReviewQuery withPage(int page, int size) {
		return new ReviewQuery(this.status, this.kind, this.checkpoint, this.runId, this.reviewerGroup,
				this.decidableBy, page, size);
	}

}
