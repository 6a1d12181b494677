package dev.guardedagents.internal.review;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.run.ReviewEvents;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.NewReview;
import dev.guardedagents.internal.schedule.Periodic;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Applies the timeout outcome of reviews nobody decided in time. Deadlines are stored in
 * the review rows and applied with compare-and-set updates, so each fires exactly once,
 * on whichever instance sees it first, also after every instance restarted. Internal: not
 * API.
 */
public final class ReviewDeadlines implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReviewDeadlines.class);

	private static final int BATCH = 100;

	private final JdbcReviewStore store;

	private final ReviewEvents events;

	private final RunRecovery recovery;

	private final Clock clock;

	private final Periodic periodic;

	/**
	 * Creates a new instance.
	 * @param store the reviews
	 * @param events the publisher of review events
	 * @param recovery the recovery, to resume runs whose review timed out
	 * @param interval how often to look for overdue reviews
	 * @param clock the clock
	 */
	public ReviewDeadlines(JdbcReviewStore store, ReviewEvents events, RunRecovery recovery, Duration interval,
			Clock clock) {
		this.store = store;
		this.events = events;
		this.recovery = recovery;
		this.periodic = new Periodic("guarded-deadlines-", interval, this::fireSafely);
		this.clock = clock;
	}

	@Override
	public void start() {
		this.periodic.start();
	}

	@Override
	public void stop() {
		this.periodic.stop();
	}

	@Override
	public boolean isRunning() {
		return this.periodic.isRunning();
	}

	private void fireSafely() {
		try {
			fire();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not apply the deadlines of reviews", ex);
		}
	}

	/**
	 * Applies the timeout outcome of every overdue review whose run waits for it.
	 * @return the number of reviews timed out by this call
	 */
	public int fire() {
		int fired = 0;
		int found;
		int firedInBatch;
		do {
			Instant now = this.clock.instant();
			var overdue = this.store.overdue(now, BATCH);
			found = overdue.size();
			firedInBatch = 0;
			for (ReviewRow review : overdue) {
				if (timeOut(review, now)) {
					firedInBatch++;
				}
			}
			fired += firedInBatch;
		}
		while (found == BATCH && firedInBatch > 0);
		if (fired > 0) {
			this.recovery.recoverSoon();
		}
		return fired;
	}

	private boolean timeOut(ReviewRow review, Instant now) {
		TimeoutOutcome outcome = review.onTimeout();
		JdbcReviewStore.Escalation escalation = (outcome == TimeoutOutcome.ESCALATE)
				? this.store.escalation(review.id()) : null;
		if (escalation != null && !escalation.reviewers().isEmpty()) {
			Duration timeout = Duration.ofMillis((escalation.timeoutMillis() != null) ? escalation.timeoutMillis() : 0);
			NewReview next = new NewReview(UUID.randomUUID().toString(), review.runId(), review.seq(),
					review.round() + 1, review.kind(), review.checkpoint(), escalation.reviewers(), review.summary(),
					review.payload(), TimeoutOutcome.REJECT, now.plus(timeout), review.requiredApprovals(),
					review.editable(), List.of(), null, now);
			if (!this.store.escalate(review, next, now)) {
				return false;
			}
			this.events.publish(new ReviewEvent(ReviewEvent.Type.ESCALATED, next.view()));
			return true;
		}
		boolean applied = this.store.timeOut(review.id(),
				(outcome == TimeoutOutcome.APPROVE) ? ReviewStatus.APPROVED : ReviewStatus.TIMED_OUT,
				"no decision before " + review.deadline(), now);
		if (applied) {
			this.events.publish(
					new ReviewEvent(ReviewEvent.Type.TIMED_OUT, this.store.find(review.id()).orElseThrow().view()));
		}
		return applied;
	}

}
