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
	FAIL_RUN

}
