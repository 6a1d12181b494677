package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.StepKind;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.NewReview;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;

/**
 * Parks runs for reviewers: opens a review and makes the run {@code WAITING} in one
 * transaction, fenced by the execution's epoch, and returns the signal that unwinds the
 * run's thread. Every review of the engine (checkpoints, failed tools, budgets, policies,
 * compensations) goes through here.
 */
final class Parking {

	private final RunJournal journal;

	private final JdbcReviewStore reviews;

	private final ReviewAccess access;

	private final Duration timeout;

	private final RunObserver observer;

	private final ReviewEvents events;

	/**
	 * Creates the parking.
	 * @param journal the run journal
	 * @param reviews the store of reviews
	 * @param access who is asked to decide each kind of review
	 * @param timeout the timeout of a review
	 * @param observer told of each escalated step
	 * @param events the publisher of review events
	 */
	Parking(RunJournal journal, JdbcReviewStore reviews, ReviewAccess access, Duration timeout, RunObserver observer,
			ReviewEvents events) {
		this.journal = journal;
		this.reviews = reviews;
		this.access = access;
		this.timeout = timeout;
		this.observer = observer;
		this.events = events;
	}

	/**
	 * Opens a review of a kind other than a checkpoint, asked of the reviewers configured
	 * for its kind, with the default timeout, rejected when nobody decides in time.
	 * @param execution the run's execution
	 * @param seq the position of the step the review stands for
	 * @param kind the kind of review
	 * @param name the tool name, or the kind's name
	 * @param summary what the reviewers read
	 * @param payload what they decide on, as a JSON object
	 * @param stepKind the kind of step the review stands for, for the metrics
	 * @return the signal to throw: suspended, or the reason the run could not be parked
	 */
	RunSignal open(Execution execution, int seq, ReviewKind kind, String name, String summary, String payload,
			StepKind stepKind) {
		Instant now = this.journal.now();
		return open(execution,
				new NewReview(UUID.randomUUID().toString(), execution.runId(), seq, 1, kind, name,
						this.access.reviewers(kind), summary, payload, TimeoutOutcome.REJECT, now.plus(this.timeout),
						this.access.approvals(kind), List.of(), List.of(), null, now),
				stepKind);
	}

	/**
	 * Opens a review and parks the run. Its round follows the latest review of any kind
	 * at the same position, which several kinds of review may share; the round of the
	 * proposed review is not used.
	 * @param execution the run's execution
	 * @param proposed the review
	 * @param kind the kind of step the review stands for, for the metrics
	 * @return the signal to throw: suspended, or the reason the run could not be parked
	 */
	RunSignal open(Execution execution, NewReview proposed, StepKind kind) {
		NewReview review;
		try {
			review = proposed.atRound(this.reviews.latestRound(execution.runId(), proposed.seq()) + 1);
			if (!this.journal.write(execution.runId(), () -> this.reviews.openAndPark(review, execution.epoch()))) {
				return this.journal.signal(execution);
			}
		}
		catch (DataAccessException ex) {
			return RunSignal.journalFailed(execution.runId(), ex);
		}
		this.observer.stepExecuted(review.checkpoint(), kind, "escalated", Duration.ZERO);
		this.events.publish(new ReviewEvent(ReviewEvent.Type.REQUESTED, review.view()));
		return RunSignal.suspended(execution.runId(), review.id());
	}

	/**
	 * Parks again a resumed run whose review is still pending.
	 * @return the signal to throw
	 */
	RunSignal waitFor(Execution execution, ReviewRow review) {
		try {
			if (!this.journal.write(execution.runId(),
					() -> this.reviews.park(execution.runId(), execution.epoch(), this.journal.now()))) {
				return this.journal.signal(execution);
			}
		}
		catch (DataAccessException ex) {
			return RunSignal.journalFailed(execution.runId(), ex);
		}
		return RunSignal.suspended(execution.runId(), review.id());
	}

	/**
	 * Finds the review of a kind a resumed run parked for at a position.
	 * @return the review, or {@code null} when none was opened there
	 */
	@Nullable ReviewRow reviewAt(Execution execution, int seq, ReviewKind kind) {
		return execution.mayHoldDecision(seq) ? this.reviews.findLatest(execution.runId(), seq, kind).orElse(null)
				: null;
	}

}
