package dev.guardedagents;

/**
 * Thrown at the start of a run whose arguments cannot be written as JSON and read back
 * with the method's parameter types. Nothing was recorded and nothing executed.
 */
public class RunArgumentException extends IllegalArgumentException {

	/**
	 * Creates a new instance.
	 * @param message the detail message, naming the parameter
	 * @param cause the serialization failure
	 */
	public RunArgumentException(String message, Throwable cause) {
		super(message, cause);
	}

}
