package dev.guardedagents;

/**
 * Thrown when a decision, or an operator's action on a run, comes without an
 * authenticated principal and anonymous calls are not allowed (HTTP 401).
 */
public class ReviewerNotAuthenticatedException extends RuntimeException {

	/**
	 * Creates a new instance.
	 * @param message what was refused and how to authenticate or allow it
	 */
	public ReviewerNotAuthenticatedException(String message) {
		super(message);
	}

}
