package dev.guardedagents;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Lists, finds and decides reviews of {@link HumanCheckpoint}s. An instance is available
 * as a bean; decisions may be taken on any instance, also while the instance that parked
 * the run is down.
 */
public interface Reviews {

	/**
	 * Lists reviews, newest first.
	 * @param status the status to match, or {@code null} for all
	 * @param runId the run to match, or {@code null} for all
	 * @param reviewers the reviewer group to match, or {@code null} for all
	 * @return the reviews, at most 200
	 */
	List<ReviewView> list(@Nullable ReviewStatus status, @Nullable String runId, @Nullable String reviewers);

	/**
	 * Lists the pending reviews, newest first.
	 * @return the pending reviews, at most 200
	 */
	default List<ReviewView> pending() {
		return list(ReviewStatus.PENDING, null, null);
	}

	/**
	 * Finds a review.
	 * @param reviewId the review id
	 * @return the review, or empty if there is none with that id
	 */
	Optional<ReviewView> find(String reviewId);

	/**
	 * Decides a pending review and resumes its run. Decisions are compare-and-set: of two
	 * concurrent decisions exactly one wins.
	 * @param reviewId the review id
	 * @param decision the decision
	 * @return the decided review
	 * @throws ReviewNotFoundException if there is no review with that id
	 * @throws ReviewAlreadyDecidedException if the review was decided before
	 * @throws InvalidReviewDecisionException if the decision is malformed or its edits do
	 * not bind to the checkpoint's parameters
	 */
	ReviewView decide(String reviewId, ReviewDecision decision);

}
