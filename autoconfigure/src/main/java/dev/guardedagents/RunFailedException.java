package dev.guardedagents;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the result of a run that failed is asked for, for example by
 * {@link RunHandle#await(java.time.Duration)} or by a second start with the same
 * idempotency key. When the failure happened in this process the original exception is
 * the cause.
 */
public class RunFailedException extends RuntimeException {

	private final String runId;

	private final String errorType;

	/**
	 * Creates a new instance.
	 * @param runId the id of the run
	 * @param errorType the class name of the recorded error
	 * @param errorMessage the recorded error message
	 * @param cause the original exception, if known
	 */
	public RunFailedException(String runId, String errorType, @Nullable String errorMessage,
			@Nullable Throwable cause) {
		super("Run " + runId + " failed with " + errorType + ": " + errorMessage, cause);
		this.runId = runId;
		this.errorType = errorType;
	}

	/**
	 * Returns the id of the run.
	 * @return the run id
	 */
	public String getRunId() {
		return this.runId;
	}

	/**
	 * Returns the class name of the recorded error.
	 * @return the error type
	 */
	public String getErrorType() {
		return this.errorType;
	}

}
