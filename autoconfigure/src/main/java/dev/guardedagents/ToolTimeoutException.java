package dev.guardedagents;

import java.time.Duration;

/**
 * An attempt of a {@link GuardedTool} did not finish in time; its thread was interrupted.
 */
public class ToolTimeoutException extends RuntimeException {

	/**
	 * Creates a new instance.
	 * @param message the detail message
	 */
	public ToolTimeoutException(String message) {
		super(message);
	}

	/**
	 * Creates a new instance for a tool and its timeout.
	 * @param tool the tool name
	 * @param timeout the timeout that passed
	 * @return the exception
	 */
	public static ToolTimeoutException of(String tool, Duration timeout) {
		return new ToolTimeoutException("Tool '" + tool + "' did not finish within " + timeout);
	}

}
