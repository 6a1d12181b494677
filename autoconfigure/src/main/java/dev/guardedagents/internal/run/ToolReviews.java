package dev.guardedagents.internal.run;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.store.NewStep;
import org.jspecify.annotations.Nullable;

/**
 * The reviews of tools that failed for good with {@code onFailure = HUMAN_REVIEW}: the
 * run parks, and the reviewer retries the tool, supplies its result, or aborts the run.
 */
final class ToolReviews {

	private final RunJournal journal;

	private final Parking parking;

	private final JsonCodec codec;

	ToolReviews(RunJournal journal, Parking parking, JsonCodec codec) {
		this.journal = journal;
		this.parking = parking;
		this.codec = codec;
	}

	/**
	 * Applies the decision on a step that failed for good and records the result a
	 * reviewer supplied.
	 * @param asOutput turns the supplied result (JSON) into the step's recorded output
	 * @return the recorded output, or {@code null} to run the step again
	 */
	@Nullable String decide(Execution execution, int seq, StepKind kind, String name, String input, ReviewRow review,
			UnaryOperator<String> asOutput) {
		if (review.status() == ReviewStatus.PENDING) {
			throw this.parking.waitFor(execution, review);
		}
		Instant decidedAt = (review.decidedAt() != null) ? review.decidedAt() : this.journal.now();
		if (review.status() != ReviewStatus.APPROVED) {
			CheckpointRejectedException abort = new CheckpointRejectedException(name, review.status(),
					review.reviewer(), review.comment());
			this.journal.record(execution,
					NewStep
						.failed(seq, kind, name, execution.stepKey(seq), review.createdAt(),
								Duration.between(review.createdAt(), decidedAt), input, abort)
						.withAttempts(0));
			throw RunSignal.failRun(execution.runId(), abort);
		}
		String override = this.codec.overrideOf(review.edits());
		if (override == null) {
			return null;
		}
		String output = asOutput.apply(override);
		this.journal.record(execution,
				NewStep
					.succeeded(seq, kind, name, execution.stepKey(seq), review.createdAt(),
							Duration.between(review.createdAt(), decidedAt), input, output)
					.withAttempts(0));
		return output;
	}

	RunSignal open(Execution execution, int seq, StepKind kind, String name, Type returnType, String input,
			Throwable failure, int attempts) {
		String what = (kind == StepKind.LLM) ? "Model call '" + name + "'" : "Tool '" + name + "'";
		return this.parking.open(execution, seq, ReviewKind.TOOL_FAILURE, name, what + " failed after " + attempts
				+ " attempts: " + failure.getMessage()
				+ ". Approve to retry, approve with edits {\"result\": ...} to override its result, reject to abort.",
				this.codec.writeFailurePayload(input, failure, attempts, returnType), kind);
	}

}
