package dev.guardedagents;

/**
 * Thrown when a {@link GuardedTool} call finds its idempotency key claimed by a call of
 * another run that did not complete within
 * {@code guarded-agents.idempotency.wait-timeout}. Nothing was executed; the call may be
 * retried.
 */
public class IdempotencyConflictException extends RuntimeException {

	/**
	 * Creates a new instance.
	 * @param tool the tool
	 * @param key the idempotency key
	 * @param owner the run, or call, that holds the key
	 */
	public IdempotencyConflictException(String tool, String key, String owner) {
		super("Tool '" + tool + "' with idempotency key '" + key + "' is being executed by " + owner
				+ " and did not complete in time; nothing was executed here, retry later");
	}

}
