package dev.guardedagents;

import java.util.List;
import java.util.Optional;

/**
 * Lists, finds and decides reviews: the questions runs wait for ({@link ReviewKind}). An
 * instance is available as a bean; decisions may be taken on any instance, also while the
 * instance that parked the run is down.
 * <p>
 * Every decision is taken by an identified reviewer: the authenticated principal (Spring
 * Security's current {@code Authentication}), or a {@link Reviewer} that a trusted caller
 * authenticated itself. The reviewer must belong to one of the review's reviewer groups,
 * may not approve a run it started (unless
 * {@code guarded-agents.reviews.forbid-self-approval=false}), and decides a review at
 * most once. Without an authenticated reviewer a decision is refused unless
 * {@code guarded-agents.reviews.allow-anonymous=true}.
 */
public interface Reviews {

	/**
	 * Lists a page of reviews: pending ones soonest deadline first, others newest first.
	 * @param query which reviews, and which page
	 * @return the page
	 */
	ReviewPage list(ReviewQuery query);

	/**
	 * Lists the first page of pending reviews, soonest deadline first.
	 * @return the page
	 */
	default ReviewPage pending() {
		return list(ReviewQuery.pending());
	}

	/**
	 * Finds a review.
	 * @param reviewId the review id
	 * @return the review, or empty if there is none with that id
	 */
	Optional<ReviewView> find(String reviewId);

	/**
	 * Lists every reviewer's decision on the reviews of a run, oldest first.
	 * @param runId the run id
	 * @return the decisions
	 */
	List<ReviewerDecision> decisions(String runId);

	/**
	 * Decides a review as the authenticated principal and, once the review is decided,
	 * resumes its run. Decisions are compare-and-set: of two concurrent decisions exactly
	 * one wins.
	 * @param reviewId the review id
	 * @param decision the decision
	 * @return the review after the decision: decided, or still pending when it needs more
	 * approvals
	 * @throws ReviewNotFoundException if there is no review with that id
	 * @throws ReviewAlreadyDecidedException if the review was decided before
	 * @throws RunNotWaitingException if the run does not wait for the review any more
	 * @throws ReviewerNotAuthenticatedException if nobody is authenticated and anonymous
	 * decisions are not allowed
	 * @throws ReviewerNotAuthorizedException if the principal may not take the decision
	 * @throws InvalidReviewDecisionException if the decision is malformed, too large, or
	 * its edits do not bind to what they edit
	 */
	ReviewView decide(String reviewId, ReviewDecision decision);

	/**
	 * Decides a review as a reviewer the caller authenticated itself, such as a chat bot
	 * that maps its users to reviewers.
	 * @param reviewId the review id
	 * @param decision the decision
	 * @param reviewer who decides
	 * @return the review after the decision
	 * @see #decide(String, ReviewDecision)
	 */
	ReviewView decide(String reviewId, ReviewDecision decision, Reviewer reviewer);

}
