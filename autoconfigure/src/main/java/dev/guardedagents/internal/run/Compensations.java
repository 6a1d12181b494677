package dev.guardedagents.internal.run;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Arrays;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.guardedagents.CompensationStatus;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.guard.Guarded;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewStep;
import dev.guardedagents.internal.store.StepRow;
import org.jspecify.annotations.Nullable;

/**
 * Runs the compensations of a run that failed or was cancelled: for each completed step
 * whose tool names a compensation, newest first, one journaled {@code COMPENSATION} step
 * with the tool's guards. The journal says how far it got, so a resumed run goes on after
 * the last recorded compensation. One that still fails parks the run for a reviewer:
 * approve to retry, approve with the edit {@code done: true} if it was undone by hand,
 * reject to give it up and go on with the others.
 */
final class Compensations {

	static final String REVIEW = "compensation";

	static final String GIVEN_UP = "dev.guardedagents.CompensationGivenUp";

	private final RunJournal journal;

	private final JdbcRunStore store;

	private final JdbcReviewStore reviews;

	private final Parking parking;

	private final AgentRunRegistry registry;

	private final ToolGuards guards;

	private final JsonCodec codec;

	private final StepPipeline pipeline;

	private final RunObserver observer;

	Compensations(RunJournal journal, JdbcRunStore store, JdbcReviewStore reviews, Parking parking,
			AgentRunRegistry registry, ToolGuards guards, JsonCodec codec, StepPipeline pipeline,
			RunObserver observer) {
		this.journal = journal;
		this.store = store;
		this.reviews = reviews;
		this.parking = parking;
		this.registry = registry;
		this.guards = guards;
		this.codec = codec;
		this.pipeline = pipeline;
		this.observer = observer;
	}

	/**
	 * Whether a journal has completed steps to compensate.
	 */
	private boolean hasWork(List<StepRow> journal) {
		return !toUndo(journal).isEmpty();
	}

	/**
	 * Compensates a run whose plan failed, if it has steps to compensate.
	 * @param started told once the run is compensating (this execution still owned it),
	 * before the first compensation
	 * @return {@code true} if compensation took the run over (it ends {@code FAILED} once
	 * compensated, or waits for a reviewer); {@code false} if there was nothing to undo
	 */
	boolean afterFailure(Execution execution, Throwable failure, Runnable started) {
		if (!this.registry.hasCompensations()) {
			return false;
		}
		List<StepRow> journal = this.store.steps(execution.runId());
		if (!hasWork(journal)) {
			return false;
		}
		if (!this.store.startCompensation(execution.runId(), execution.epoch(), failure.getClass().getName(),
				failure.getMessage(), this.journal.now())) {
			throw this.journal.signal(execution);
		}
		started.run();
		try {
			compensate(execution, journal);
		}
		catch (RunSignal signal) {
			if (signal.reason() != RunSignal.Reason.SUSPENDED) {
				throw signal;
			}
		}
		return true;
	}

	/**
	 * Compensates, from where its journal stops, a run that was compensating when it was
	 * resumed.
	 */
	void compensate(Execution execution, List<StepRow> journal) {
		Execution previous = RunContextHolder.bind(execution);
		try {
			List<StepRow> toUndo = toUndo(journal);
			List<StepRow> done = journal.stream().filter((step) -> step.kind() == StepKind.COMPENSATION).toList();
			boolean partial = done.stream().anyMatch((step) -> GIVEN_UP.equals(step.errorType()));
			int seq = journal.isEmpty() ? 0 : journal.get(journal.size() - 1).seq();
			for (int i = done.size(); i < toUndo.size(); i++) {
				seq++;
				partial |= !undo(execution, toUndo.get(i), seq);
			}
			Optional<RunStatus> ended = this.store.finishCompensation(execution.runId(), execution.epoch(),
					partial ? CompensationStatus.PARTIALLY_COMPENSATED : CompensationStatus.COMPENSATED, seq,
					this.journal.now());
			if (ended.isEmpty()) {
				throw this.journal.signal(execution);
			}
			this.observer.runFinished(execution.runName(), ended.get());
		}
		finally {
			RunContextHolder.bind(previous);
		}
	}

	private List<StepRow> toUndo(List<StepRow> journal) {
		return journal.stream()
			.filter((step) -> compensable(step) && this.registry.compensation(step.name()) != null)
			.sorted(Comparator.comparingInt(StepRow::seq).reversed())
			.toList();
	}

	/**
	 * Whether a step caused a side effect this run must undo: a tool step that ran and
	 * succeeded. Not a step answered from an idempotency key another run completed, nor a
	 * result a reviewer supplied, nor a fallback's answer (recorded with no attempt of
	 * the tool that succeeded).
	 */
	static boolean compensable(StepRow step) {
		return step.kind() == StepKind.TOOL && step.succeeded() && step.attempts() > 0 && !step.fellBack();
	}

	/**
	 * Compensates one step.
	 * @return {@code false} if a reviewer gave it up
	 */
	private boolean undo(Execution execution, StepRow step, int seq) {
		AgentRunRegistry.Compensation compensation = this.registry.compensation(step.name());
		Boolean decided = decided(execution, step, seq);
		if (decided != null) {
			return decided;
		}
		Guarded outcome = this.pipeline.compensate(execution,
				new StepBody.Compensation(step.name(), step.seq(), step.input(),
						this.guards.compensation(compensation.tool(), compensation.name()),
						() -> invoke(compensation, step)),
				seq);
		Throwable failure = outcome.failure();
		if (failure == null) {
			return true;
		}
		if (this.journal.isStopping()) {
			throw RunSignal.lost(execution.runId());
		}
		throw open(execution, step, seq, failure, outcome.attempts());
	}

	private @Nullable Object invoke(AgentRunRegistry.Compensation compensation, StepRow step) throws Throwable {
		Object[] toolArgs = this.codec.readArguments(compensation.tool().getGenericParameterTypes(),
				String.valueOf(step.input()));
		Object[] args = toolArgs;
		if (compensation.withResult()) {
			args = Arrays.copyOf(toolArgs, toolArgs.length + 1);
			args[toolArgs.length] = this.codec.readResult(step.output(), compensation.tool().getGenericReturnType());
		}
		try {
			return compensation.undo().invoke(compensation.bean(), args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * Applies a reviewer's decision on a compensation that failed before.
	 * @return {@code true} marked done, {@code false} given up, {@code null} run it
	 * (again)
	 */
	private @Nullable Boolean decided(Execution execution, StepRow step, int seq) {
		ReviewRow review = this.reviews.findLatest(execution.runId(), seq, ReviewKind.COMPENSATION).orElse(null);
		if (review == null) {
			return null;
		}
		if (review.status() == ReviewStatus.PENDING) {
			throw this.parking.waitFor(execution, review);
		}
		Instant decidedAt = (review.decidedAt() != null) ? review.decidedAt() : this.journal.now();
		Duration waited = Duration.between(review.createdAt(), decidedAt);
		if (review.status() != ReviewStatus.APPROVED) {
			this.journal
				.record(execution, NewStep
					.failed(seq, StepKind.COMPENSATION, step.name(), execution.compensationKey(step.seq()),
							review.createdAt(), waited, step.input(), GIVEN_UP, "Compensation given up by reviewer "
									+ review.reviewer() + " (" + review.status() + ")" + comment(review.comment()))
					.withAttempts(0));
			return false;
		}
		if ("true".equals(this.codec.readEdits(review.edits()).get("done"))) {
			this.journal
				.record(execution,
						NewStep
							.succeeded(seq, StepKind.COMPENSATION, step.name(), execution.compensationKey(step.seq()),
									review.createdAt(), waited, step.input(),
									this.codec.writeResult("marked done by reviewer " + review.reviewer(),
											String.class))
							.withAttempts(0));
			return true;
		}
		return null;
	}

	private static String comment(@Nullable String comment) {
		return (comment != null) ? ": " + comment : "";
	}

	private RunSignal open(Execution execution, StepRow step, int seq, Throwable failure, int attempts) {
		return this.parking.open(execution, seq, ReviewKind.COMPENSATION, REVIEW,
				"Compensation of step " + step.seq() + " '" + step.name() + "' failed after " + attempts + " attempts: "
						+ failure.getMessage() + ". Approve to retry, approve with edits "
						+ "{\"done\": true} if it was undone by hand, reject to give it up.",
				this.codec.writeCompensationPayload(step.name(), step.seq(), String.valueOf(step.input()), failure,
						attempts),
				StepKind.COMPENSATION);
	}

}
