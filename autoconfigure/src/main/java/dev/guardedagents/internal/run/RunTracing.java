package dev.guardedagents.internal.run;

import java.util.function.Supplier;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import org.jspecify.annotations.Nullable;

/**
 * Traces what the engine executes: a scope per execution of a run on a thread, and one
 * per executed step inside it (replayed steps execute nothing and are not traced). A
 * scope is opened and closed on the thread that executes, so that what the body calls (a
 * model client, an HTTP client) nests under it. Implementations must be fast and must not
 * throw. Internal: not API.
 */
public interface RunTracing {

	/**
	 * Traces nothing.
	 */
	RunTracing NONE = new RunTracing() {
	};

	/**
	 * Marks the start of a new run, on the thread of the caller who starts it, and
	 * returns what every execution of the run needs to join the same trace; it is
	 * journaled with the run.
	 * @param runId the run id
	 * @param plan the plan name
	 * @param businessKey the business key, if any
	 * @return the propagation fields of the start, or {@code null} for none
	 */
	default @Nullable String started(String runId, String plan, @Nullable String businessKey) {
		return null;
	}

	/**
	 * Opens the scope of a run executing on this thread.
	 * @param runId the run id
	 * @param plan the plan name
	 * @param businessKey the business key, if any
	 * @param resumed whether this execution resumes a recorded run
	 * @param started the propagation fields {@link #started} returned for the run, read
	 * from the journal when asked for by an execution that resumes it
	 * @return the scope, to close on this thread
	 */
	default Scope run(String runId, String plan, @Nullable String businessKey, boolean resumed,
			Supplier<@Nullable String> started) {
		return Scope.NONE;
	}

	/**
	 * Opens the scope of a step whose body executes on this thread.
	 * @param runId the run id
	 * @param plan the plan name
	 * @param kind the step kind
	 * @param name the step name
	 * @param seq its position in the run
	 * @return the scope, to close on this thread
	 */
	default Scope step(String runId, String plan, StepKind kind, String name, int seq) {
		return Scope.NONE;
	}

	/**
	 * An open scope.
	 */
	interface Scope {

		/**
		 * A scope that records nothing.
		 */
		Scope NONE = new Scope() {
		};

		/**
		 * Records the model a model step asks for, when its scope opens.
		 * @param model the model the request names, if any
		 */
		default void requested(@Nullable String model) {
		}

		/**
		 * Records what a model call used.
		 * @param usage the model, tokens, cost and prompt of the call
		 */
		default void model(ModelUsage usage) {
		}

		/**
		 * Closes the scope with its outcome.
		 * @param outcome how it ended ({@code success}, {@code fallback}, {@code failed},
		 * {@code waiting}, ...)
		 * @param error what it failed with, if it failed
		 */
		default void close(String outcome, @Nullable Throwable error) {
		}

	}

}
