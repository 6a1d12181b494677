package dev.guardedagents;

/**
 * What happens when a {@link GuardedTool} still fails after its last attempt and has no
 * fallback.
 */
public enum FailureMode {

	/**
	 * The exception reaches the plan, which may catch it; the failure is journaled, so a
	 * replay rethrows the same type and message.
	 */
	THROW,

	/**
	 * The run fails with the exception; the plan cannot catch it.
	 */
	FAIL_RUN,

	/**
	 * Inside a run, the run parks with a review of the failure: a reviewer approves to
	 * retry the tool, approves with the edit {@code result} (JSON of the tool's return
	 * type) to override its result, or rejects to abort the run. Outside a run, as
	 * {@link #THROW}.
	 */
	HUMAN_REVIEW

}
