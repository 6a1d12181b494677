package dev.guardedagents;

/**
 * Thrown when a review is decided while its run no longer waits for it (HTTP 409): the
 * run was cancelled, failed or finished. Nothing was recorded.
 */
public class RunNotWaitingException extends RuntimeException {

	private final String runId;

	private final RunStatus status;

	/**
	 * Creates a new instance.
	 * @param reviewId the review that was to be decided
	 * @param runId the run of the review
	 * @param status the run's status
	 */
	public RunNotWaitingException(String reviewId, String runId, RunStatus status) {
		super("Review " + reviewId + " cannot be decided: its run " + runId + " is " + status
				+ ", not waiting for it any more");
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
