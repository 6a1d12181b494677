package dev.guardedagents;

/**
 * Thrown when a run is to be purged that has not finished (HTTP 409): it is running,
 * waiting for a review or being compensated. Cancel it first, or wait until it ends.
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
		super("Run " + runId + " is " + status + ", not finished: only finished runs are purged; cancel it first, "
				+ "or wait until it ends");
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
