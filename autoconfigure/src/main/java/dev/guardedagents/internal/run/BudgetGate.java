package dev.guardedagents.internal.run;

import java.time.Instant;

import dev.guardedagents.BudgetAction;
import dev.guardedagents.BudgetExceededException;
import dev.guardedagents.BudgetWarningEvent;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.store.NewStep;
import dev.guardedagents.internal.store.StepRow;
import org.jspecify.annotations.Nullable;

/**
 * Applies a run's budget around its model and tool calls: before a call, a reached cap
 * halts the run, degrades the call to a cheaper model or parks the run for a reviewer who
 * may grant more; after a call, an overshoot halts a halting run and a warning fraction
 * is published once. A grant is journaled as a {@code CHECKPOINT} step named
 * {@value #BUDGET}, so a replay applies it again at the same place.
 */
final class BudgetGate {

	static final String BUDGET = "budget";

	private final RunJournal journal;

	private final Parking parking;

	private final JsonCodec codec;

	private final ReviewEvents events;

	private final RunObserver observer;

	BudgetGate(RunJournal journal, Parking parking, JsonCodec codec, ReviewEvents events, RunObserver observer) {
		this.journal = journal;
		this.parking = parking;
		this.codec = codec;
		this.events = events;
		this.observer = observer;
	}

	/**
	 * Takes the sequence number of the next call, applying the grants journaled before
	 * it.
	 */
	int nextSeq(Execution execution) {
		int seq = execution.nextSeq();
		StepRow recorded = execution.recorded(seq);
		while (isGrant(recorded)) {
			if (recorded.succeeded() && execution.budget() != null) {
				execution.budget()
					.grant(this.codec.readEdits(this.codec.readVerdict(recorded.output()).edits()), recorded.seq());
			}
			seq = execution.nextSeq();
			recorded = execution.recorded(seq);
		}
		return seq;
	}

	/**
	 * Whether a recorded step is a reviewer's budget grant, journaled before the call it
	 * admitted.
	 */
	private static boolean isGrant(@Nullable StepRow recorded) {
		return recorded != null && recorded.kind() == StepKind.CHECKPOINT && BUDGET.equals(recorded.name());
	}

	/**
	 * Returns the step the journal holds for the next call, past the grants journaled
	 * before it, without taking its position; {@code null} when the run is past its
	 * journal.
	 */
	@Nullable StepRow peek(Execution execution) {
		int seq = execution.stepCount() + 1;
		StepRow recorded = execution.recorded(seq);
		while (isGrant(recorded)) {
			seq++;
			recorded = execution.recorded(seq);
		}
		return recorded;
	}

	/**
	 * Admits a call that is not in the journal yet.
	 * @return the sequence number of the call: later than {@code seq} when a grant was
	 * journaled first
	 */
	int admit(Execution execution, StepKind kind, int seq) {
		RunBudget budget = execution.budget();
		RunBudget.Exceeded exceeded = (budget != null) ? budget.before(kind, this.journal.now()) : null;
		if (exceeded == null) {
			return seq;
		}
		String message = exceeded.describe(execution, budget.profile().name());
		return switch (budget.action(exceeded)) {
			case HALT -> throw RunSignal.failRun(execution.runId(), new BudgetExceededException(message));
			case DEGRADE -> seq;
			case ESCALATE -> escalate(execution, kind, seq, exceeded, message);
		};
	}

	/**
	 * Returns the cheaper model a call of a degrading run goes to, once its cost or
	 * tokens reached their cap.
	 */
	@Nullable String degradeTo(Execution execution) {
		RunBudget budget = execution.budget();
		if (budget == null || budget.profile().onExceeded() != BudgetAction.DEGRADE
				|| execution.recorded(execution.stepCount() + 1) != null) {
			return null;
		}
		RunBudget.Exceeded exceeded = budget.before(StepKind.LLM, this.journal.now());
		if (exceeded == null || !exceeded.degradable()) {
			return null;
		}
		if (!budget.degraded()) {
			budget.degrade();
			this.journal.markDegraded(execution);
		}
		return budget.profile().degradeTo();
	}

	/**
	 * Counts a recorded call against the budget: halts a halting run that overshot a cap
	 * and publishes the warning once.
	 */
	void spent(Execution execution, StepKind kind, @Nullable ModelUsage usage) {
		RunBudget budget = execution.budget();
		if (budget == null) {
			return;
		}
		budget.add(kind, usage, execution.stepCount());
		RunBudget.Warning warning = budget.warnOnce(this.journal.now());
		if (warning != null) {
			this.events.publish(new BudgetWarningEvent(execution.runId(), execution.runName(), budget.profile().name(),
					warning.cap(), warning.fraction()));
			this.observer.budgetWarned(execution.runName(), budget.profile().name());
		}
		RunBudget.Exceeded exceeded = budget.after();
		if (exceeded != null && budget.action(exceeded) == BudgetAction.HALT) {
			throw RunSignal.failRun(execution.runId(),
					new BudgetExceededException(exceeded.describe(execution, budget.profile().name())));
		}
	}

	private int escalate(Execution execution, StepKind kind, int seq, RunBudget.Exceeded exceeded, String message) {
		ReviewRow review = this.parking.reviewAt(execution, seq, ReviewKind.BUDGET);
		if (review == null) {
			throw open(execution, seq, message);
		}
		if (review.status() == ReviewStatus.PENDING) {
			throw this.parking.waitFor(execution, review);
		}
		Verdict verdict = new Verdict(review.status(), review.id(), review.reviewer(), review.comment(),
				review.edits());
		Instant decidedAt = (review.decidedAt() != null) ? review.decidedAt() : this.journal.now();
		boolean approved = review.status() == ReviewStatus.APPROVED;
		BudgetExceededException refusal = approved ? null : new BudgetExceededException(
				message + "; reviewer " + review.reviewer() + " granted no more (" + review.status() + ")");
		this.journal.record(execution, NewStep.decision(seq, BUDGET, execution.stepKey(seq), review.createdAt(),
				decidedAt, review.payload(), this.codec.writeVerdict(verdict), refusal));
		if (!approved) {
			throw RunSignal.failRun(execution.runId(), refusal);
		}
		execution.budget().grant(this.codec.readEdits(review.edits()), seq);
		return admit(execution, kind, execution.nextSeq());
	}

	private RunSignal open(Execution execution, int seq, String message) {
		RunBudget budget = execution.budget();
		return this.parking.open(execution, seq, ReviewKind.BUDGET, BUDGET, message
				+ ". Approve to grant the budget once more, approve with edits (such as {\"maxCost\": \"5.00\"}) "
				+ "to set new caps, reject to fail the run.",
				this.codec.writeBudgetPayload(budget.profile().name(), budget.profile().caps()), StepKind.CHECKPOINT);
	}

}
