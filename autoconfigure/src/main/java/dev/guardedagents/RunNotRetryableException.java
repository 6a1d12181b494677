package dev.guardedagents;

/**
 * Thrown when a run cannot be retried (HTTP 409): it did not fail, or it failed and was
 * compensated (its completed steps were undone, so it cannot go on from them).
 */
public class RunNotRetryableException extends RuntimeException {

	private final String runId;

	private final RunStatus status;

	/**
	 * Creates a new instance.
	 * @param runId the run
	 * @param status its status
	 * @param message why it cannot be retried
	 */
	public RunNotRetryableException(String runId, RunStatus status, String message) {
		super(message);
		this.runId = runId;
		this.status = status;
	}

	/**
	 * Returns the id of the run.
	 * @return the run id
	 */
	public String getRunId() {
		return this.runId;
	}

	/**
	 * Returns the status of the run.
	 * @return the status
	 */
	public RunStatus getStatus() {
		return this.status;
	}

}
