package dev.guardedagents;

/**
 * Thrown when a resumed run calls a different step than its journal recorded at the same
 * position: the code of the {@link AgentRun} method no longer matches the run. The run is
 * failed; bump {@link AgentRun#version()} when a plan changes so that runs recorded under
 * the old plan are left for instances that still have it.
 */
public class NonDeterministicRunException extends RuntimeException {

	/**
	 * Creates a new instance.
	 * @param message the detail message
	 */
	public NonDeterministicRunException(String message) {
		super(message);
	}

}
