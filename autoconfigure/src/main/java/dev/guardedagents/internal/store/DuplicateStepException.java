package dev.guardedagents.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a step is recorded at a position another execution of the same run already
 * recorded. Internal: not API.
 */
public class DuplicateStepException extends RuntimeException {

	DuplicateStepException(String runId, int seq, @Nullable Throwable cause) {
		super("Step " + seq + " of run " + runId + " was already recorded by another execution", cause);
	}

}
