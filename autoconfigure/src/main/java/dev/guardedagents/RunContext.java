package dev.guardedagents;

import java.util.Optional;

import dev.guardedagents.internal.run.RunContextHolder;

/**
 * What the current thread knows about the run it executes: available in the
 * {@link AgentRun} method and in the body of each {@link GuardedTool} step it calls.
 */
public interface RunContext {

	/**
	 * Returns the id of the run.
	 * @return the run id
	 */
	String runId();

	/**
	 * Returns the name of the run.
	 * @return the run name
	 */
	String runName();

	/**
	 * Returns the stable idempotency key of the step being executed, {@code runId/seq}.
	 * It is the same when the step executes again after a crash, so pass it to external
	 * APIs that accept an idempotency key.
	 * @return the step's idempotency key
	 * @throws IllegalStateException if called outside a step body
	 */
	String stepIdempotencyKey();

	/**
	 * Returns the context of the run executing on this thread.
	 * @return the current run context
	 * @throws IllegalStateException if this thread is not executing a run
	 */
	static RunContext current() {
		return find().orElseThrow(() -> new IllegalStateException(
				"No agent run is executing on this thread; RunContext is available inside @AgentRun methods and the @GuardedTool steps they call"));
	}

	/**
	 * Returns the context of the run executing on this thread, if any.
	 * @return the current run context, or empty outside a run
	 */
	static Optional<RunContext> find() {
		return Optional.ofNullable(RunContextHolder.current());
	}

}
