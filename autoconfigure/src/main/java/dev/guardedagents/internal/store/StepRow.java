package dev.guardedagents.internal.store;

import java.time.Duration;
import java.time.Instant;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import org.jspecify.annotations.Nullable;

/**
 * A step as the journal holds it, as the engine reads it back (replays, compensations,
 * budgets, retries). The public {@link StepView} is made from it where a step leaves the
 * starter (the API, the endpoint, an export), so that a column the engine adds is not a
 * change of the API. Internal: not API.
 *
 * @param seq the position of the step in the run, from 1
 * @param kind the kind of step
 * @param name the step name
 * @param succeeded whether the step returned a result ({@code false}: it threw)
 * @param attempts how many attempts the step took
 * @param startedAt when the step started
 * @param duration how long the step took
 * @param input the input as JSON
 * @param output the result as JSON, when it succeeded
 * @param errorType the class name of the exception, when it failed
 * @param errorMessage the exception message, when it failed
 * @param idempotencyKey the step's key
 * @param fellBack whether the tool's fallback method answered
 * @param attemptErrors the failed attempts as a JSON array, if any failed
 * @param usage the model, prompt, tokens and cost of a model call
 */
public record StepRow(int seq, StepKind kind, String name, boolean succeeded, int attempts, Instant startedAt,
		Duration duration, @Nullable String input, @Nullable String output, @Nullable String errorType,
		@Nullable String errorMessage, String idempotencyKey, boolean fellBack, @Nullable String attemptErrors,
		@Nullable ModelUsage usage) {

	/**
	 * Reads a step of an exported run, for a replay of it.
	 * @param step the step as exported
	 * @return the step as the engine reads it
	 */
	public static StepRow of(StepView step) {
		return new StepRow(step.seq(), step.kind(), step.name(), step.succeeded(), step.attempts(), step.startedAt(),
				step.duration(), step.input(), step.output(), step.errorType(), step.errorMessage(),
				step.idempotencyKey(), step.fellBack(), step.attemptErrors(), step.usage());
	}

	/**
	 * Returns the step as the API shows it.
	 * @return the public view
	 */
	public StepView view() {
		return new StepView(this.seq, this.kind, this.name, this.succeeded, this.attempts, this.startedAt,
				this.duration, this.input, this.output, this.errorType, this.errorMessage, this.idempotencyKey,
				this.fellBack, this.attemptErrors, this.usage);
	}

}
