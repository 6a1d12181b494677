package dev.guardedagents;

/**
 * A step policy denied a step's input or output; the step fails with this exception and
 * its {@code onFailure} applies.
 */
public class PolicyViolationException extends RuntimeException {

	/**
	 * Creates a new exception.
	 * @param message the policy, the step and the reason
	 */
	public PolicyViolationException(String message) {
		super(message);
	}

}
