package dev.guardedagents;

/**
 * Thrown when an operation names a run id that does not exist.
 */
public class RunNotFoundException extends RuntimeException {

	/**
	 * Creates a new instance.
	 * @param runId the unknown run id
	 */
	public RunNotFoundException(String runId) {
		super("No agent run with id '" + runId + "'");
	}

}
