package dev.guardedagents;

/**
 * Thrown when a run is to be purged that has not finished (HTTP 409): it is running,
 * waiting for a review or being compensated, or it is a child run whose parent has not
 * finished. Cancel it (or its parent) first, or wait until it ends.
 */
public class RunNotFinishedException extends RuntimeException {

	private final String runId;

	private final RunStatus status;

	/**
	 * Creates a new instance.
	 * @param runId the run
	 * @param status its status
	 */
	public RunNotFinishedException(String runId, RunStatus status) {
		this(runId, status, "Run " + runId + " is " + status
				+ ", not finished: only finished runs are purged; cancel it first, or wait until it ends");
	}

	/**
	 * Creates a new instance for a run that is kept for another reason, such as a child
	 * run whose parent has not finished.
	 * @param runId the run
	 * @param status its status
	 * @param message why it is kept, and what to do
	 */
	public RunNotFinishedException(String runId, RunStatus status, String message) {
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
