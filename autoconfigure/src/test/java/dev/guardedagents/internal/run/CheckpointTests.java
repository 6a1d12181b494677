package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewAlreadyDecidedException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewEvent;
import dev.guardedagents.ReviewNotFoundException;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.review.ReviewDeadlines;
import dev.guardedagents.internal.run.EngineTestApplication.Customer;
import dev.guardedagents.internal.run.EngineTestApplication.Offer;
import dev.guardedagents.internal.run.EngineTestApplication.Plans;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Human checkpoints on a real database: pause, decide, resume; timeouts; edits;
 * concurrent decisions. Run on H2 and on PostgreSQL by the subclasses.
 */
@EngineTest
abstract class CheckpointTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Customer ANN = new Customer("ann@example.com");

	@Autowired
	Plans plans;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	ReviewDeadlines deadlines;

	@Autowired
	RunEngine engine;

	@Autowired
	ConfigurableApplicationContext context;

	private final List<ReviewEvent> events = new CopyOnWriteArrayList<>();

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		this.context.addApplicationListener(ApplicationListener.<ReviewEvent>forPayload(this.events::add));
	}

	@Test
	void checkpointParksTheRunWithoutAThreadAndApprovalResumesIt() throws Exception {
		RunSuspendedException suspended = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.plans.offer(ANN, new Offer("pro", 900)))
			.actual();
		String runId = suspended.getRunId();
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
		assertThat(this.engine.runs().active(runId)).isNull();
		ReviewView review = this.reviews.find(suspended.getReviewId()).orElseThrow();
		assertThat(review.status()).isEqualTo(ReviewStatus.PENDING);
		assertThat(review.checkpoint()).isEqualTo("send-offer");
		assertThat(review.reviewers()).isEqualTo("sales-leads");
		assertThat(review.summary()).isEqualTo("Send offer of 900 to ann@example.com");
		assertThat(review.payload())
			.isEqualTo("{\"customer\":{\"email\":\"ann@example.com\"},\"offer\":{\"product\":\"pro\",\"amount\":900}}");
		assertThat(review.deadline()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
		assertThat(this.reviews.list(ReviewQuery.pending().withPage(0, ReviewQuery.MAX_SIZE)).reviews())
			.extracting(ReviewView::id)
			.contains(review.id());
		assertThat(EngineTestApplication.calls("engine:send")).isEmpty();
		assertThat(events(ReviewEvent.Type.REQUESTED)).contains(review.id());

		ReviewView decided = this.reviews.decide(review.id(), ReviewDecision.approve("carol"));
		assertThat(decided.status()).isEqualTo(ReviewStatus.APPROVED);
		assertThat(decided.reviewer()).isEqualTo("carol");
		assertThat(resultOf(runId)).isEqualTo("sent pro for 900");
		assertThat(EngineTestApplication.calls("engine:send")).containsExactly("engine:send:pro:900:ann@example.com");
		assertThat(EngineTestApplication.calls("engine:fetch")).as("the step before the checkpoint ran once")
			.hasSize(1);
		List<StepView> steps = this.runs.steps(runId);
		assertThat(steps).extracting(StepView::kind).containsExactly(StepKind.TOOL, StepKind.CHECKPOINT, StepKind.TOOL);
		assertThat(steps).extracting(StepView::name).containsExactly("Tools.fetch", "send-offer", "send-offer");
		assertThat(steps.get(1).output()).contains("\"status\":\"APPROVED\"").contains("\"reviewer\":\"carol\"");
		assertThat(events(ReviewEvent.Type.DECIDED)).contains(review.id());
	}

	@Test
	void checkpointWhoseConditionDoesNotHoldJustRuns() {
		assertThat(this.plans.offer(ANN, new Offer("basic", 100))).isEqualTo("sent basic for 100");
		assertThat(this.reviews.list(ReviewQuery.all().withPage(0, ReviewQuery.MAX_SIZE)).reviews())
			.noneMatch((review) -> review.payload().contains("basic"));
	}

	@Test
	void rejectionIsThrownToThePlanWithReviewerAndComment() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.offer(ANN, new Offer("gold", 5000)));
		ReviewView review = pendingReviewOf(handle);
		assertThat(handle.status()).isEqualTo(RunStatus.WAITING);
		this.reviews.decide(review.id(), ReviewDecision.reject("dave", "too generous"));
		assertThat(handle.await(TIMEOUT)).isEqualTo("not sent: REJECTED by dave (too generous)");
		assertThat(EngineTestApplication.calls("engine:send")).isEmpty();
		StepView checkpoint = this.runs.steps(handle.runId()).get(1);
		assertThat(checkpoint.succeeded()).isFalse();
		assertThat(checkpoint.errorMessage()).isEqualTo("Checkpoint 'send-offer' was rejected by dave: too generous");
	}

	@Test
	void approvalWithEditsRunsTheActionWithTheEditedArgumentsAndJournalsBoth() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.offer(ANN, new Offer("pro", 900)));
		ReviewView review = pendingReviewOf(handle);
		this.reviews.decide(review.id(),
				ReviewDecision.approveWithEdits("erin", Map.of("offer", Map.of("product", "pro", "amount", 700))));
		assertThat(handle.await(TIMEOUT)).isEqualTo("sent pro for 700");
		List<StepView> steps = this.runs.steps(handle.runId());
		assertThat(steps.get(1).input()).contains("\"amount\":900");
		assertThat(steps.get(1).output()).contains("700");
		assertThat(steps.get(2).input()).contains("\"amount\":700");
	}

	@Test
	void malformedDecisionsAndEditsAreRefusedNamingTheField() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.offer(ANN, new Offer("pro", 901)));
		ReviewView review = pendingReviewOf(handle);
		assertThatExceptionOfType(InvalidReviewDecisionException.class)
			.isThrownBy(() -> this.reviews.decide(review.id(),
					ReviewDecision.approveWithEdits("erin", Map.of("offer", Map.of("amount", "lots")))))
			.satisfies((ex) -> assertThat(ex.getField()).isEqualTo("edits.offer"))
			.withMessageContaining("does not bind to dev.guardedagents.internal.run.EngineTestApplication$Offer");
		assertThatExceptionOfType(InvalidReviewDecisionException.class)
			.isThrownBy(() -> this.reviews.decide(review.id(),
					ReviewDecision.approveWithEdits("erin",
							Map.of("offer", Map.of("product", "pro", "amount", 700, "discount", 10)))))
			.satisfies((ex) -> assertThat(ex.getField()).isEqualTo("edits.offer"));
		assertThatExceptionOfType(InvalidReviewDecisionException.class).isThrownBy(
				() -> this.reviews.decide(review.id(), ReviewDecision.approveWithEdits("erin", Map.of("discount", 10))))
			.satisfies((ex) -> assertThat(ex.getField()).isEqualTo("edits.discount"))
			.withMessageContaining("its parameters are [customer, offer]");
		assertThatExceptionOfType(InvalidReviewDecisionException.class)
			.isThrownBy(() -> this.reviews.decide(review.id(), ReviewDecision.approve(" ")))
			.satisfies((ex) -> assertThat(ex.getField()).isEqualTo("reviewer"));
		assertThatExceptionOfType(ReviewNotFoundException.class)
			.isThrownBy(() -> this.reviews.decide("no-such-review", ReviewDecision.approve("erin")));
		assertThat(this.reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.PENDING);
		this.runs.cancel(handle.runId());
	}

	@Test
	void concurrentDecisionsOnOneReviewHaveExactlyOneWinner() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.offer(ANN, new Offer("pro", 902)));
		ReviewView review = pendingReviewOf(handle);
		CyclicBarrier barrier = new CyclicBarrier(2);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		List<Future<ReviewView>> decisions = new ArrayList<>();
		try {
			for (ReviewDecision decision : List.of(ReviewDecision.approve("frank"),
					ReviewDecision.reject("grace", "no"))) {
				decisions.add(threads.submit((Callable<ReviewView>) () -> {
					barrier.await();
					return this.reviews.decide(review.id(), decision);
				}));
			}
			int won = 0;
			int refused = 0;
			for (Future<ReviewView> decision : decisions) {
				try {
					decision.get();
					won++;
				}
				catch (java.util.concurrent.ExecutionException ex) {
					assertThat(ex.getCause()).isInstanceOf(ReviewAlreadyDecidedException.class);
					refused++;
				}
			}
			assertThat(won).isOne();
			assertThat(refused).isOne();
		}
		finally {
			threads.shutdownNow();
		}
		String result = handle.await(TIMEOUT);
		ReviewView decided = this.reviews.find(review.id()).orElseThrow();
		assertThat(result).isEqualTo(
				(decided.status() == ReviewStatus.APPROVED) ? "sent pro for 902" : "not sent: REJECTED by grace (no)");
		assertThatExceptionOfType(ReviewAlreadyDecidedException.class)
			.isThrownBy(() -> this.reviews.decide(review.id(), ReviewDecision.approve("late")))
			.satisfies((ex) -> assertThat(ex.getReview().reviewer()).isEqualTo(decided.reviewer()));
	}

	@Test
	void cancellingAWaitingRunClosesItsReview() {
		RunHandle<String> handle = this.runs.start(() -> this.plans.offer(ANN, new Offer("pro", 903)));
		ReviewView review = pendingReviewOf(handle);
		assertThat(this.runs.cancel(handle.runId())).isTrue();
		ReviewView closed = this.reviews.find(review.id()).orElseThrow();
		assertThat(closed.status()).isEqualTo(ReviewStatus.REJECTED);
		assertThat(closed.comment()).isEqualTo("the run was cancelled");
		assertThat(this.reviews.list(ReviewQuery.pending().withRunId(handle.runId())).reviews()).isEmpty();
		assertThat(handle.status()).isEqualTo(RunStatus.CANCELLED);
	}

	@Test
	void timeoutRejectsAsTimedOut() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.timed("reject"));
		pastDeadline(pendingReviewOf(handle));
		assertThat(this.deadlines.fire()).isOne();
		assertThat(handle.await(TIMEOUT)).isEqualTo("not done: TIMED_OUT");
		assertThat(events(ReviewEvent.Type.TIMED_OUT)).hasSize(1);
	}

	@Test
	void timeoutApproves() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.timed("approve"));
		pastDeadline(pendingReviewOf(handle));
		this.deadlines.fire();
		assertThat(handle.await(TIMEOUT)).isEqualTo("done approve");
	}

	@Test
	void timeoutEscalatesToANewReviewThatCanBeApproved() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.timed("escalate"));
		ReviewView first = pendingReviewOf(handle);
		pastDeadline(first);
		assertThat(this.deadlines.fire()).isOne();
		assertThat(this.deadlines.fire()).as("a deadline fires once").isZero();
		ReviewView next = pendingReviewOf(handle);
		assertThat(next.round()).isEqualTo(2);
		assertThat(next.reviewers()).isEqualTo("managers");
		assertThat(next.deadline()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
		assertThat(this.reviews.find(first.id()).orElseThrow().status()).isEqualTo(ReviewStatus.ESCALATED);
		assertThat(handle.status()).isEqualTo(RunStatus.WAITING);
		this.reviews.decide(next.id(), ReviewDecision.approve("boss"));
		assertThat(handle.await(TIMEOUT)).isEqualTo("done escalate");
		assertThat(events(ReviewEvent.Type.ESCALATED)).containsExactly(next.id());
	}

	@Test
	void timeoutFailsTheRun() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.timed("fail"));
		pastDeadline(pendingReviewOf(handle));
		this.deadlines.fire();
		assertThatExceptionOfType(RunFailedException.class).isThrownBy(() -> handle.await(TIMEOUT))
			.satisfies(
					(ex) -> assertThat(ex.getErrorType()).isEqualTo("dev.guardedagents.CheckpointRejectedException"));
		assertThat(EngineTestApplication.calls("engine:fail-on-timeout")).isEmpty();
	}

	private ReviewView pendingReviewOf(RunHandle<?> handle) {
		return await().atMost(TIMEOUT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(handle.runId())).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
	}

	private static void pastDeadline(ReviewView review) {
		await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(review.deadline()));
	}

	private String resultOf(String runId) throws Exception {
		return (String) this.runs.handle(runId).orElseThrow().await(TIMEOUT);
	}

	private List<String> events(ReviewEvent.Type type) {
		return this.events.stream()
			.filter((event) -> event.type() == type)
			.map((event) -> event.review().id())
			.toList();
	}

}
