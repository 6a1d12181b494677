package dev.guardedagents;

/**
 * Status of an agent run.
 */
public enum RunStatus {

	/**
	 * Executing, or queued for execution, on the instance that owns it.
	 */
	RUNNING,

	/**
	 * Parked until a human or a timer resumes it; no thread is held.
	 */
	WAITING,

	/**
	 * Finished with a result.
	 */
	SUCCEEDED,

	/**
	 * Finished with an error.
	 */
	FAILED,

	/**
	 * Cancelled before it finished.
	 */
	CANCELLED;

	/**
	 * Whether a run in this status is finished and never executes again.
	 * @return {@code true} for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}
	 */
	public boolean isTerminal() {
		return this == SUCCEEDED || this == FAILED || this == CANCELLED;
	}

}
