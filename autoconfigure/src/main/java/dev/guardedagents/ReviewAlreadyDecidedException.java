package dev.guardedagents;

/**
 * Thrown when a review that was decided before is decided again; carries the existing
 * decision.
 */
public class ReviewAlreadyDecidedException extends RuntimeException {

	private final ReviewView review;

	/**
	 * Creates a new instance.
	 * @param review the review as decided before
	 */
	public ReviewAlreadyDecidedException(ReviewView review) {
		super("Review " + review.id() + " is already " + review.status()
				+ ((review.reviewer() != null) ? " by " + review.reviewer() : ""));
		this.review = review;
	}

	/**
	 * Returns the review with its existing decision.
	 * @return the review
	 */
	public ReviewView getReview() {
		return this.review;
	}

}
