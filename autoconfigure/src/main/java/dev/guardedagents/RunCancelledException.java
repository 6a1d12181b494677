package dev.guardedagents;

/**
 * Thrown when the result of a cancelled run is asked for, and to the caller of a
 * synchronous run that was cancelled while it ran.
 */
public class RunCancelledException extends RuntimeException {

	private final String runId;

	/**
	 * Creates a new instance.
	 * @param runId the id of the cancelled run
	 */
	public RunCancelledException(String runId) {
		super("Run " + runId + " was cancelled");
		this.runId = runId;
	}

	/**
	 * Returns the id of the run.
	 * @return the run id
	 */
	public String getRunId() {
		return this.runId;
	}

}
