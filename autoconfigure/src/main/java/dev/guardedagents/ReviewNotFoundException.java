package dev.guardedagents;

/**
 * Thrown when a decision names a review id that does not exist.
 */
public class ReviewNotFoundException extends RuntimeException {

	/**
	 * Creates a new instance.
	 * @param reviewId the unknown review id
	 */
	public ReviewNotFoundException(String reviewId) {
		super("No review with id '" + reviewId + "'");
	}

}
