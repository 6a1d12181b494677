package dev.guardedagents;

/**
 * Thrown when a {@link GuardedTool} call finds its idempotency key claimed by a call of
 * another run that did not complete within
 * {@code guarded-agents.idempotency.wait-timeout} (the call may be retried), or used by a
 * call with other arguments (unless
 * {@code guarded-agents.idempotency.on-mismatch=return-recorded}). Nothing was executed.
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

	/**
	 * Creates a new instance for a key used with other arguments.
	 * @param tool the tool
	 * @param key the idempotency key
	 * @param owner the run, or call, that used the key first
	 * @param arguments this call's arguments, as JSON
	 */
	public IdempotencyConflictException(String tool, String key, String owner, String arguments) {
		super("Tool '" + tool + "' was called with idempotency key '" + key + "', which " + owner
				+ " already used with other arguments; this call's arguments are " + arguments + " (see the journal of "
				+ owner + " for the first call's). Nothing was executed: an idempotency key must identify one "
				+ "call, so derive it from the arguments that make the call, or set "
				+ "guarded-agents.idempotency.on-mismatch=return-recorded to answer with the recorded result");
	}

}
