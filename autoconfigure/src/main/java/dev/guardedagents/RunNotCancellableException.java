package dev.guardedagents;

/**
 * Thrown when a run that has not finished cannot be cancelled now (HTTP 409): a reviewer
 * approved what it waited for and it is resuming to act on that approval, or it is being
 * compensated already.
 */
public class RunNotCancellableException extends RuntimeException {

	private final String runId;

	private final RunStatus status;

	/**
	 * Creates a new instance.
	 * @param runId the run
	 * @param status its status
	 * @param message why it cannot be cancelled now
	 */
	public RunNotCancellableException(String runId, RunStatus status, String message) {
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
