package dev.guardedagents.run;

import java.time.Duration;

import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewView;
import dev.guardedagents.StepKind;
import dev.guardedagents.store.JdbcReviewStore;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Parks runs for reviewers: opens a review and makes the run {@code WAITING} in one
 * transaction, fenced by the execution's epoch, and returns the signal that unwinds the
 * run's thread. Every review of the engine (checkpoints, failed tools, budgets, policies,
 * compensations) goes through here.
 */
final class Parking {

	private final RunEngine engine;

	Parking(RunEngine engine) {
		this.engine = engine;
	}

	/**
	 * Opens a review and parks the run. Its round follows the latest review of any kind
	 * at the same position, which several kinds of review may share; the round of the
	 * proposed review is not used.
	 * @param escalation where the review escalates to, or {@code null} for nowhere
	 * @param kind the kind of step the review stands for, for the metrics
	 * @return the signal to throw: suspended, or the reason the run could not be parked
	 */
	RunSignal open(Execution execution, ReviewView proposed, JdbcReviewStore.@Nullable Escalation escalation,
			StepKind kind) {
		ReviewView review;
		try {
			int round = this.engine.reviews()
				.findLatest(execution.runId(), proposed.seq())
				.map((latest) -> latest.round() + 1)
				.orElse(1);
			review = new ReviewView(proposed.id(), proposed.runId(), proposed.seq(), round, proposed.checkpoint(),
					proposed.status(), proposed.reviewers(), proposed.summary(), proposed.payload(),
					proposed.onTimeout(), proposed.deadline(), proposed.reviewer(), proposed.comment(),
					proposed.edits(), proposed.createdAt(), proposed.decidedAt());
			if (!this.engine.reviews()
				.openAndPark(review, (escalation != null) ? escalation : new JdbcReviewStore.Escalation(null, null),
						execution.epoch())) {
				return this.engine.signal(execution);
			}
		}
		catch (DataAccessException ex) {
			return RunSignal.journalFailed(execution.runId(), ex);
		}
		this.engine.observer().stepExecuted(review.checkpoint(), kind, "escalated", Duration.ZERO);
		this.engine.events().publish(new ReviewEvent(ReviewEvent.Type.REQUESTED, review));
		return RunSignal.suspended(execution.runId(), review.id());
	}

	/**
	 * Parks again a resumed run whose review is still pending.
	 * @return the signal to throw
	 */
	RunSignal waitFor(Execution execution, ReviewView review) {
		try {
			if (!this.engine.reviews().park(execution.runId(), execution.epoch(), this.engine.now())) {
				return this.engine.signal(execution);
			}
		}
		catch (DataAccessException ex) {
			return RunSignal.journalFailed(execution.runId(), ex);
		}
		return RunSignal.suspended(execution.runId(), review.id());
	}

}
