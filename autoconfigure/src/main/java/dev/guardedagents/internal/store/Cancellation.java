package dev.guardedagents.internal.store;

import dev.guardedagents.RunStatus;
import org.jspecify.annotations.Nullable;

/**
 * What became of a cancellation. Internal: not API.
 *
 * @param result what happened
 * @param status the run's status before the cancellation, when it exists
 * @param epoch the new ownership epoch of a run now compensating
 * @param approval the approval the run resumes to act on, when that held the cancellation
 * back
 */
public record Cancellation(Result result, @Nullable RunStatus status, long epoch, @Nullable String approval) {

	/**
	 * What happened.
	 */
	public enum Result {

		/**
		 * No run has the id.
		 */
		NOT_FOUND,

		/**
		 * The run had finished.
		 */
		FINISHED,

		/**
		 * The run is being compensated already (after a failure or a cancellation).
		 */
		COMPENSATING,

		/**
		 * A reviewer approved what the run waited for and it resumes to act on it.
		 */
		APPROVED,

		/**
		 * The run is cancelled.
		 */
		CANCELLED,

		/**
		 * The run is cancelled and its completed steps are compensated now, by the
		 * caller.
		 */
		COMPENSATING_NOW

	}

}
