package dev.guardedagents;

/**
 * What happens to a {@link HumanCheckpoint} whose reviewers did not decide in time.
 */
public enum TimeoutOutcome {

	/**
	 * The checkpoint throws {@link CheckpointRejectedException} with verdict
	 * {@link ReviewStatus#TIMED_OUT}; the plan may branch on it.
	 */
	REJECT,

	/**
	 * The action is approved and runs.
	 */
	APPROVE,

	/**
	 * A new review is opened for {@link HumanCheckpoint#escalateTo()} with its own
	 * timeout.
	 */
	ESCALATE,

	/**
	 * The run fails with {@link CheckpointRejectedException} (which the plan cannot
	 * catch), and its completed steps are compensated.
	 */
	FAIL_RUN

}
