package dev.guardedagents;

/**
 * Thrown for a malformed decision, or edits that do not bind to the checkpoint's
 * parameters; names the offending field.
 */
public class InvalidReviewDecisionException extends IllegalArgumentException {

	private final String field;

	/**
	 * Creates a new instance.
	 * @param field the offending field, such as {@code reviewer} or {@code edits.offer}
	 * @param message what is wrong with it
	 */
	public InvalidReviewDecisionException(String field, String message) {
		super("Invalid '" + field + "': " + message);
		this.field = field;
	}

	/**
	 * Returns the offending field.
	 * @return the field
	 */
	public String getField() {
		return this.field;
	}

}
