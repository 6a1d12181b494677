package dev.guardedagents;

/**
 * Thrown when a message is sent to a run that has finished (HTTP 409): it receives no
 * more messages. Nothing was recorded.
 *
 * @see AgentRuns#send(String, String, Object)
 */
public class RunNotReceivingException extends RuntimeException {

	private final String runId;

	private final RunStatus status;

	/**
	 * Creates a new instance.
	 * @param runId the run the message was sent to
	 * @param status the run's status
	 */
	public RunNotReceivingException(String runId, RunStatus status) {
		super("Run " + runId + " is " + status + " and receives no more messages; send to a run that has not finished");
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
