package dev.guardedagents;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A journaled step of a run, as read back from the journal.
 *
 * @param seq the position of the step in the run, from 1
 * @param kind the kind of step
 * @param name the step name
 * @param succeeded whether the step returned a result ({@code false}: it threw)
 * @param attempts how many attempts the step took
 * @param startedAt when the step started
 * @param duration how long the step took
 * @param input the arguments as a JSON array
 * @param output the result as JSON, when it succeeded
 * @param errorType the class name of the exception, when it failed
 * @param errorMessage the exception message, when it failed
 * @param idempotencyKey the step's idempotency key ({@code runId/seq})
 * @param fellBack whether the tool's fallback method answered
 * @param attemptErrors the failed attempts as a JSON array of {@code type},
 * {@code message} and {@code durationMillis}, if any failed
 * @param usage the model, prompt, tokens and cost of a model call ({@code LLM} steps)
 */
public record StepView(int seq, StepKind kind, String name, boolean succeeded, int attempts, Instant startedAt,
		Duration duration, @Nullable String input, @Nullable String output, @Nullable String errorType,
		@Nullable String errorMessage, String idempotencyKey, boolean fellBack, @Nullable String attemptErrors,
		@Nullable ModelUsage usage) {

}
