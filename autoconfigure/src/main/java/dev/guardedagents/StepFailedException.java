package dev.guardedagents;

/**
 * Rethrown on replay for a step whose recorded failure cannot be recreated with its
 * original type (a checked exception the method does not declare, or a type without a
 * message constructor).
 */
public class StepFailedException extends RuntimeException {

	private final String errorType;

	private final String recordedMessage;

	/**
	 * Creates a new instance.
	 * @param errorType the class name of the recorded exception
	 * @param message the recorded message
	 */
	public StepFailedException(String errorType, String message) {
		super(errorType + ": " + message);
		this.errorType = errorType;
		this.recordedMessage = message;
	}

	/**
	 * Returns the message of the recorded exception.
	 * @return the recorded message
	 */
	public String getRecordedMessage() {
		return this.recordedMessage;
	}

	/**
	 * Returns the class name of the recorded exception.
	 * @return the error type
	 */
	public String getErrorType() {
		return this.errorType;
	}

}
