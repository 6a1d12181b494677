package dev.guardedagents.internal.run;

import java.time.Duration;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;

/**
 * Told what the engine does, for metrics. Implementations must be fast and must not
 * throw. Internal: not API.
 */
public interface RunObserver {

	/**
	 * An observer that ignores everything.
	 */
	RunObserver NONE = new RunObserver() {
	};

	/**
	 * A run was started (recorded).
	 * @param name the run name
	 */
	default void runStarted(String name) {
	}

	/**
	 * A schedule's tick came on this instance.
	 * @param name the run name
	 * @param started whether this instance started its run ({@code false}: another
	 * instance did)
	 */
	default void ticked(String name, boolean started) {
	}

	/**
	 * A run finished on this instance.
	 * @param name the run name
	 * @param status its final status
	 */
	default void runFinished(String name, RunStatus status) {
	}

	/**
	 * This instance claimed a run to resume it.
	 * @param name the run name
	 */
	default void runRecovered(String name) {
	}

	/**
	 * A step was executed (not replayed).
	 * @param name the step name
	 * @param kind the step kind
	 * @param outcome {@code success}, {@code fallback}, {@code failed} or
	 * {@code escalated}
	 * @param duration how long it took
	 */
	default void stepExecuted(String name, StepKind kind, String outcome, Duration duration) {
	}

	/**
	 * Called after a model call was recorded.
	 * @param runName the name of the run
	 * @param usage the model, tokens and cost of the call
	 */
	default void modelCalled(String runName, ModelUsage usage) {
	}

	/**
	 * Called once per run when its spending reaches the warning fraction of a cap.
	 * @param runName the name of the run
	 * @param profile the budget profile
	 */
	default void budgetWarned(String runName, String profile) {
	}

}
