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
	 * Parked until a human, a timer or a message resumes it; no thread is held.
	 */
	WAITING,

	/**
	 * Recorded, not started yet: its plan runs as many runs at once as
	 * {@code guarded-agents.plans.<name>.max-concurrent} allows, and it starts, on any
	 * instance, once a slot frees, after the runs queued before it.
	 */
	QUEUED,

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
