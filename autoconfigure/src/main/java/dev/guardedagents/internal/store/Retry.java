package dev.guardedagents.internal.store;

import dev.guardedagents.RunStatus;
import org.jspecify.annotations.Nullable;

/**
 * What became of an operator's retry of a run. Internal: not API.
 *
 * @param result the outcome
 * @param status the run's status before the retry, when there is such a run
 * @param setAside the failed step set aside to run again, described, if there was one
 */
public record Retry(Result result, @Nullable RunStatus status, @Nullable String setAside) {

	/**
	 * The outcome of a retry.
	 */
	public enum Result {

		/**
		 * The run is handed back for any instance to resume.
		 */
		RETRIED,

		/**
		 * There is no such run.
		 */
		NOT_FOUND,

		/**
		 * The run did not fail: only failed runs are retried.
		 */
		NOT_FAILED,

		/**
		 * The run failed and was compensated: its completed steps were undone, so it
		 * cannot go on from them.
		 */
		COMPENSATED

	}

}
