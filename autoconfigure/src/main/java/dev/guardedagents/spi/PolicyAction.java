package dev.guardedagents.spi;

/**
 * What a step policy decides.
 */
public enum PolicyAction {

	/**
	 * The step goes on.
	 */
	ALLOW,

	/**
	 * The step fails with {@code PolicyViolationException}; its {@code onFailure}
	 * applies.
	 */
	DENY,

	/**
	 * The run waits for a human: approve lets the step go on, reject fails the run.
	 */
	REVIEW

}
