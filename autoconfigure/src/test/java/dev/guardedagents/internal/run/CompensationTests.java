package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.CompensationStatus;
import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.review.ReviewDeadlines;
import dev.guardedagents.internal.store.JdbcRunStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Saga compensation on a real database: a failed run undoes its completed steps in
 * reverse order, a compensation that keeps failing waits for a reviewer (retry, mark
 * done, give up), a cancellation compensates too. Run on H2 and on PostgreSQL by the
 * subclasses.
 */
@EngineTest
abstract class CompensationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	Saga.Plans plans;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	JdbcRunStore store;

	@Autowired
	ReviewDeadlines deadlines;

	@Autowired
	ToolGuards guards;

	@BeforeEach
	void reset() {
		Saga.undone.clear();
		Saga.keys.clear();
		Saga.refundFailures.set(0);
		Saga.shipAttempts.set(0);
		// the tests fail refunds on purpose; each starts with the compensation's circuit
		// closed
		this.guards.circuitBreakers().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@Test
	void aFailedRunUndoesItsCompletedStepsInReverseOrder() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.fail("order"))
			.withMessage("booking failed for order");

		assertThat(Saga.undone).containsExactly("release reservation-order-b", "refund 100",
				"release reservation-order-a");
		RunView run = latest("saga-fail");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(run.errorMessage()).isEqualTo("booking failed for order");
		assertThat(this.runs.steps(run.id())).extracting(StepView::seq, StepView::kind, StepView::name)
			.containsExactly(tuple(1, StepKind.TOOL, "reserve"), tuple(2, StepKind.TOOL, "charge"),
					tuple(3, StepKind.TOOL, "reserve"), tuple(4, StepKind.TOOL, "notify"),
					tuple(5, StepKind.COMPENSATION, "reserve"), tuple(6, StepKind.COMPENSATION, "charge"),
					tuple(7, StepKind.COMPENSATION, "reserve"));
	}

	@Test
	void aToolWithoutANameIsCompensatedUnderTheNameItIsJournaledWith() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.holdSeat("12A"))
			.withMessage("no flight for seat 12A");

		assertThat(Saga.undone).containsExactly("release seat 12A");
		RunView run = latest("saga-unnamed");
		assertThat(run.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(this.runs.steps(run.id())).extracting(StepView::seq, StepView::kind, StepView::name)
			.containsExactly(tuple(1, StepKind.TOOL, "Saga.holdSeat"),
					tuple(2, StepKind.COMPENSATION, "Saga.holdSeat"));
	}

	@Test
	void aCheckpointedToolWithoutANameIsCompensatedUnderTheCheckpointsName() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.ship("crate"))
			.withMessage("no truck for crate");

		assertThat(Saga.undone).containsExactly("unship crate");
		RunView run = latest("saga-ship");
		assertThat(run.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(this.runs.steps(run.id())).extracting(StepView::seq, StepView::kind, StepView::name)
			.containsExactly(tuple(1, StepKind.TOOL, "saga-ship"), tuple(2, StepKind.COMPENSATION, "saga-ship"));
	}

	@Test
	void aCheckpointedToolIsGuardedOnceNotOncePerAnnotation() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.ship("broken-crate"))
			.withMessage("carrier down for broken-crate");

		// maxAttempts = 3: three calls of the body, not three retries of three
		assertThat(Saga.shipAttempts).hasValue(3);
		RunView run = latest("saga-ship");
		assertThat(this.runs.steps(run.id())).singleElement().satisfies((step) -> {
			assertThat(step.name()).isEqualTo("saga-ship");
			assertThat(step.attempts()).isEqualTo(3);
		});
	}

	@Test
	void aCompensationThatKeepsFailingWaitsForAReviewerWhoRetriesIt() {
		Saga.refundFailures.set(2);

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.fail("retry"));

		RunView run = latest("saga-fail");
		assertThat(run.status()).isEqualTo(RunStatus.WAITING);
		assertThat(run.compensation()).isEqualTo(CompensationStatus.COMPENSATING);
		assertThat(Saga.undone).containsExactly("release reservation-retry-b");
		ReviewView review = pending(run.id());
		assertThat(review.checkpoint()).isEqualTo("compensation");
		assertThat(review.summary())
			.startsWith("Compensation of step 2 'charge' failed after 2 attempts: " + "refund service down");
		assertThatExceptionOfType(InvalidReviewDecisionException.class).isThrownBy(
				() -> this.reviews.decide(review.id(), ReviewDecision.approveWithEdits("ops", Map.of("result", "x"))))
			.withMessageContaining("{\"done\": true}");

		this.reviews.decide(review.id(), ReviewDecision.approve("ops"));

		RunView ended = awaitStatus(run.id(), RunStatus.FAILED);
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(ended.errorMessage()).isEqualTo("booking failed for retry");
		assertThat(Saga.undone).containsExactly("release reservation-retry-b", "refund 100",
				"release reservation-retry-a");
	}

	@Test
	void aReviewerMarksAFailedCompensationDoneOrGivesItUp() {
		Saga.refundFailures.set(100);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.fail("done"));
		RunView marked = latest("saga-fail");
		this.reviews.decide(pending(marked.id()).id(), ReviewDecision.approveWithEdits("ops", Map.of("done", true)));
		assertThat(awaitStatus(marked.id(), RunStatus.FAILED).compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(this.runs.steps(marked.id()).get(5).output()).isEqualTo("\"marked done by reviewer ops\"");

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.fail("giveup"));
		RunView givenUp = latest("saga-fail");
		this.reviews.decide(pending(givenUp.id()).id(), ReviewDecision.reject("ops", "refund by hand next week"));
		assertThat(awaitStatus(givenUp.id(), RunStatus.FAILED).compensation())
			.isEqualTo(CompensationStatus.PARTIALLY_COMPENSATED);
		StepView gaveUp = this.runs.steps(givenUp.id()).get(5);
		assertThat(gaveUp.succeeded()).isFalse();
		assertThat(gaveUp.errorMessage()).contains("given up by reviewer ops").contains("refund by hand next week");
		assertThat(Saga.undone).contains("release reservation-giveup-a");
	}

	@Test
	void aCancelledRunUndoesItsCompletedSteps() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.waitForConfirmation("cancel"));
		awaitStatus(handle.runId(), RunStatus.WAITING);

		assertThat(this.runs.cancel(handle.runId())).isTrue();

		RunView ended = awaitStatus(handle.runId(), RunStatus.CANCELLED);
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(Saga.undone).containsExactly("refund 200", "release reservation-cancel");
		assertThat(this.reviews.list(ReviewQuery.pending().withRunId(handle.runId())).reviews()).isEmpty();
		assertThat(this.runs.steps(handle.runId())).extracting(StepView::kind)
			.containsExactly(StepKind.TOOL, StepKind.TOOL, StepKind.COMPENSATION, StepKind.COMPENSATION);
	}

	@Test
	void aCompensationAtThePositionOfAStepCutByTheCancelHasAKeyOfItsOwn() throws Exception {
		Saga.mailSent = new CountDownLatch(1);
		RunHandle<String> handle = this.runs.start(() -> this.plans.reserveAndMail("mail"));
		String mailKey = handle.runId() + "/2";
		await().atMost(TIMEOUT).until(() -> Saga.keys.contains("send-mail " + mailKey));

		assertThat(this.runs.cancel(handle.runId())).isTrue();
		Saga.mailSent.countDown();

		RunView ended = awaitStatus(handle.runId(), RunStatus.CANCELLED);
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		// the compensation of step 1 is journaled at position 2, where the mail step was
		// executing when the run was cancelled; a provider deduplicating by key must not
		// take the two for one call
		assertThat(this.runs.steps(handle.runId())).extracting(StepView::seq, StepView::kind, StepView::idempotencyKey)
			.containsExactly(tuple(1, StepKind.TOOL, handle.runId() + "/1"),
					tuple(2, StepKind.COMPENSATION, handle.runId() + "/undo/1"));
		assertThat(Saga.keys).containsExactly("send-mail " + mailKey, "release " + handle.runId() + "/undo/1");
	}

	@Test
	void withCancelInterruptsTheExecutingBodyIsInterruptedAndNotRetried() {
		// guarded-agents.tools.send-mail-now.cancel-interrupts=true (EngineTest)
		Saga.mailSent = new CountDownLatch(1);
		RunHandle<String> handle = this.runs.start(() -> this.plans.reserveAndMailNow("now"));
		String mailKey = handle.runId() + "/2";
		await().atMost(TIMEOUT).until(() -> Saga.keys.contains("send-mail-now " + mailKey));

		assertThat(this.runs.cancel(handle.runId())).isTrue();

		RunView ended = awaitStatus(handle.runId(), RunStatus.CANCELLED);
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		// the interrupted body and the compensation run on two threads: the body's last
		// word may come before or after the compensation of step 1
		await().atMost(TIMEOUT).until(() -> Saga.keys.contains("send-mail-now interrupted"));
		assertThat(Saga.keys).as("the body saw the interrupt, was not retried and sent nothing")
			.containsExactlyInAnyOrder("send-mail-now " + mailKey, "send-mail-now interrupted",
					"release " + handle.runId() + "/undo/1");
		assertThat(Saga.keys.get(0)).isEqualTo("send-mail-now " + mailKey);
	}

	@Test
	void aRunAbortedByAReviewerUndoesItsCompletedSteps() {
		RunHandle<String> handle = this.runs.start(() -> this.plans.waitForConfirmation("abort"));
		awaitStatus(handle.runId(), RunStatus.WAITING);

		this.reviews.decide(pending(handle.runId()).id(), ReviewDecision.reject("ops", "not this one"));

		RunView ended = awaitStatus(handle.runId(), RunStatus.FAILED);
		assertThat(ended.errorType()).isEqualTo(CheckpointRejectedException.class.getName());
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(Saga.undone).containsExactly("refund 200", "release reservation-abort");
	}

	@Test
	void aCancelledRunWhoseCompensationFailsAtTheCheckpointsPositionWaitsForAReviewer() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.waitForConfirmation("cancel-retry"));
		awaitStatus(handle.runId(), RunStatus.WAITING);
		Saga.refundFailures.set(2);

		this.runs.cancel(handle.runId());

		await().atMost(TIMEOUT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(handle.runId())).reviews(),
					(list) -> !list.isEmpty());
		ReviewView review = pending(handle.runId());
		assertThat(review.checkpoint()).isEqualTo("compensation");
		assertThat(review.seq()).isEqualTo(3);
		assertThat(review.round()).isEqualTo(2);
		this.reviews.decide(review.id(), ReviewDecision.approve("ops"));
		RunView ended = awaitStatus(handle.runId(), RunStatus.CANCELLED);
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(Saga.undone).containsExactly("refund 200", "release reservation-cancel-retry");
	}

	@Test
	void aStepAnsweredFromAnotherRunsIdempotencyKeyIsNotCompensated() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.pay("order-key"));
		assertThat(Saga.undone).containsExactly("unpay order-key");

		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.plans.pay("order-key"));

		assertThat(Saga.undone).containsExactly("unpay order-key");
		RunView second = latest("saga-pay");
		assertThat(second.status()).isEqualTo(RunStatus.FAILED);
		assertThat(second.compensation()).isNull();
	}

	@Test
	void aCheckpointTimeoutThatFailsTheRunCompensatesIt() {
		RunHandle<String> handle = this.runs.start(() -> this.plans.confirmInTime("late"));
		ReviewView review = await().atMost(TIMEOUT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(handle.runId())).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
		await().atMost(TIMEOUT).until(() -> java.time.Instant.now().isAfter(review.deadline()));

		this.deadlines.fire();

		RunView ended = awaitStatus(handle.runId(), RunStatus.FAILED);
		assertThat(ended.errorType()).isEqualTo(CheckpointRejectedException.class.getName());
		assertThat(ended.compensation()).isEqualTo(CompensationStatus.COMPENSATED);
		assertThat(Saga.undone).containsExactly("release reservation-late");
	}

	private RunView latest(String name) {
		return this.store.list(null, name, null, 0, 1).runs().get(0).view();
	}

	private ReviewView pending(String runId) {
		List<ReviewView> pending = this.reviews.list(ReviewQuery.pending().withRunId(runId)).reviews();
		assertThat(pending).hasSize(1);
		return pending.get(0);
	}

	private RunView awaitStatus(String runId, RunStatus status) {
		await().atMost(TIMEOUT).until(() -> this.runs.find(runId).orElseThrow().status() == status);
		return this.runs.find(runId).orElseThrow();
	}

}
