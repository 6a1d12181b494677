package dev.guardedagents.internal.store;

import java.time.Duration;
import java.time.Instant;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.StepKind;
import org.jspecify.annotations.Nullable;

/**
 * A step about to be journaled: the engine's record, separate from the public
 * {@link dev.guardedagents.StepView} that reads the journal back. Built by name
 * ({@link #succeeded}, {@link #failed}) and completed with the {@code with...} methods.
 * Internal: not API.
 *
 * @param seq the position of the step in the run, from 1
 * @param kind the kind of step
 * @param name the step name
 * @param idempotencyKey the step's key
 * @param startedAt when the step started
 * @param duration how long it took
 * @param input its input as JSON
 * @param succeeded whether it answered
 * @param output its answer as JSON, when it succeeded
 * @param errorType the class name of its failure, when it failed
 * @param errorMessage the message of its failure
 * @param attempts how many attempts its body took (0: answered without running)
 * @param fellBack whether a fallback answered
 * @param attemptErrors the failed attempts as JSON, if any failed
 * @param usage what a model call used
 */
public record NewStep(int seq, StepKind kind, String name, String idempotencyKey, Instant startedAt, Duration duration,
		@Nullable String input, boolean succeeded, @Nullable String output, @Nullable String errorType,
		@Nullable String errorMessage, int attempts, boolean fellBack, @Nullable String attemptErrors,
		@Nullable ModelUsage usage) {

	/**
	 * A step that answered, in one attempt.
	 * @param seq the position
	 * @param kind the kind
	 * @param name the name
	 * @param idempotencyKey the step's key
	 * @param startedAt when it started
	 * @param duration how long it took
	 * @param input its input as JSON
	 * @param output its answer as JSON
	 * @return the step
	 */
	public static NewStep succeeded(int seq, StepKind kind, String name, String idempotencyKey, Instant startedAt,
			Duration duration, @Nullable String input, @Nullable String output) {
		return new NewStep(seq, kind, name, idempotencyKey, startedAt, duration, input, true, output, null, null, 1,
				false, null, null);
	}

	/**
	 * A step that failed, in one attempt.
	 * @param seq the position
	 * @param kind the kind
	 * @param name the name
	 * @param idempotencyKey the step's key
	 * @param startedAt when it started
	 * @param duration how long it took
	 * @param input its input as JSON
	 * @param errorType the class name of its failure
	 * @param errorMessage the message of its failure
	 * @return the step
	 */
	public static NewStep failed(int seq, StepKind kind, String name, String idempotencyKey, Instant startedAt,
			Duration duration, @Nullable String input, String errorType, @Nullable String errorMessage) {
		return new NewStep(seq, kind, name, idempotencyKey, startedAt, duration, input, false, null, errorType,
				errorMessage, 1, false, null, null);
	}

	/**
	 * A step that failed, in one attempt.
	 * @param seq the position
	 * @param kind the kind
	 * @param name the name
	 * @param idempotencyKey the step's key
	 * @param startedAt when it started
	 * @param duration how long it took
	 * @param input its input as JSON
	 * @param failure its failure
	 * @return the step
	 */
	public static NewStep failed(int seq, StepKind kind, String name, String idempotencyKey, Instant startedAt,
			Duration duration, @Nullable String input, Throwable failure) {
		return failed(seq, kind, name, idempotencyKey, startedAt, duration, input, failure.getClass().getName(),
				failure.getMessage());
	}

	/**
	 * A {@code CHECKPOINT} step that journals a reviewer's decision: its verdict is its
	 * output either way; a rejection is also its failure.
	 * @param seq the position
	 * @param name the checkpoint's name
	 * @param idempotencyKey the step's key
	 * @param askedAt when the review was opened
	 * @param decidedAt when it was decided
	 * @param input what the reviewers decided on, as JSON
	 * @param verdict the verdict as JSON
	 * @param rejection the failure of a rejection, or {@code null} when approved
	 * @return the step
	 */
	public static NewStep decision(int seq, String name, String idempotencyKey, Instant askedAt, Instant decidedAt,
			@Nullable String input, String verdict, @Nullable Throwable rejection) {
		return new NewStep(seq, StepKind.CHECKPOINT, name, idempotencyKey, askedAt,
				Duration.between(askedAt, decidedAt), input, rejection == null, verdict,
				(rejection != null) ? rejection.getClass().getName() : null,
				(rejection != null) ? rejection.getMessage() : null, 1, false, null, null);
	}

	/**
	 * This step, taken in another number of attempts.
	 * @param attempts the attempts (0: answered without running its body)
	 * @return the step
	 */
	public NewStep withAttempts(int attempts) {
		return new NewStep(this.seq, this.kind, this.name, this.idempotencyKey, this.startedAt, this.duration,
				this.input, this.succeeded, this.output, this.errorType, this.errorMessage, attempts, this.fellBack,
				this.attemptErrors, this.usage);
	}

	/**
	 * This step, with what its guard reported.
	 * @param fellBack whether a fallback answered
	 * @param attemptErrors the failed attempts as JSON, if any failed
	 * @return the step
	 */
	public NewStep withGuard(boolean fellBack, @Nullable String attemptErrors) {
		return new NewStep(this.seq, this.kind, this.name, this.idempotencyKey, this.startedAt, this.duration,
				this.input, this.succeeded, this.output, this.errorType, this.errorMessage, this.attempts, fellBack,
				attemptErrors, this.usage);
	}

	/**
	 * This step, with what its model call used.
	 * @param usage the usage, if any
	 * @return the step
	 */
	public NewStep withUsage(@Nullable ModelUsage usage) {
		return new NewStep(this.seq, this.kind, this.name, this.idempotencyKey, this.startedAt, this.duration,
				this.input, this.succeeded, this.output, this.errorType, this.errorMessage, this.attempts,
				this.fellBack, this.attemptErrors, usage);
	}

}
