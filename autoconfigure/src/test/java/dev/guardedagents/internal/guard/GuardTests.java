package dev.guardedagents.internal.guard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.FailureMode;
import dev.guardedagents.InvalidReviewDecisionException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.RunView;
import dev.guardedagents.internal.store.RunRow;
import dev.guardedagents.internal.store.StepRow;
import dev.guardedagents.ToolTimeoutException;
import dev.guardedagents.internal.guard.GuardTestApplication.Plans;
import dev.guardedagents.internal.guard.GuardTestApplication.Tools;
import dev.guardedagents.internal.store.JdbcRunStore;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Guards of tool calls, inside and outside runs, with settings from properties and
 * annotations.
 */
@SpringBootTest(classes = GuardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "guarded-agents.instance-id=guards", "logging.level.root=warn",
				"guarded-agents.tools.defaults.max-attempts=5", "guarded-agents.tools.defaults.backoff.initial=40ms",
				"guarded-agents.tools.defaults.backoff.jitter=0", "guarded-agents.tools.flaky.timeout=2s",
				"guarded-agents.tools.breaker.max-attempts=1",
				"guarded-agents.tools.breaker.circuit-breaker.sliding-window-size=4",
				"guarded-agents.tools.breaker.circuit-breaker.minimum-number-of-calls=4",
				"guarded-agents.tools.breaker.circuit-breaker.wait-in-open-state=1h",
				"guarded-agents.tools.narrow.max-attempts=1",
				"guarded-agents.tools.narrow.bulkhead.max-concurrent-calls=1" })
class GuardTests {

	@Autowired
	Tools tools;

	@Autowired
	Plans plans;

	@Autowired
	ToolGuards guards;

	@Autowired
	JdbcRunStore store;

	@Autowired
	MeterRegistry meters;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Test
	void flakyToolSucceedsOnTheThirdAttemptAfterBackingOff() {
		long start = System.nanoTime();
		assertThat(this.tools.flaky("outside")).isEqualTo("ok after 3");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("backoff 40ms then 80ms")
			.isGreaterThanOrEqualTo(Duration.ofMillis(120));
		assertThat(Tools.count("outside")).isEqualTo(3);
	}

	@Test
	void attemptsAndTheirErrorsAreJournaledAndTheRunContextIsSeenByEachAttempt() {
		assertThat(this.plans.flaky("inside")).isEqualTo("ok after 3");
		RunView run = latest("guarded-flaky");
		StepRow step = this.store.steps(run.id()).get(0);
		assertThat(step.succeeded()).isTrue();
		assertThat(step.attempts()).isEqualTo(3);
		assertThat(step.attemptErrors()).contains("\"type\":\"java.lang.IllegalStateException\"")
			.contains("\"message\":\"flake 1\"")
			.contains("\"message\":\"flake 2\"");
		assertThat(Tools.contexts).containsEntry("inside#1", run.id() + "/1")
			.containsEntry("inside#3", run.id() + "/1");
	}

	@Test
	void timeoutInterruptsAHungCallAndIsJournaled() {
		long start = System.nanoTime();
		assertThatExceptionOfType(ToolTimeoutException.class).isThrownBy(() -> this.plans.hung("hang"))
			.withMessage("Tool 'hung' did not finish within PT0.2S");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
		RunView run = latest("guarded-hung");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorType()).isEqualTo(ToolTimeoutException.class.getName());
		assertThat(Tools.contexts).containsEntry("hang", run.id() + "/1");
	}

	@Test
	void circuitOpensAfterTheThresholdAndFailsFast() {
		for (int i = 0; i < 4; i++) {
			assertThatIllegalStateException().isThrownBy(() -> this.tools.breaker("breaker", true));
		}
		assertThat(this.guards.circuitBreakers().circuitBreaker("breaker").getState())
			.isEqualTo(CircuitBreaker.State.OPEN);
		assertThatExceptionOfType(CallNotPermittedException.class)
			.isThrownBy(() -> this.tools.breaker("breaker", false));
		assertThat(Tools.count("breaker")).isEqualTo(4);
	}

	@Test
	void bulkheadRejectsACallBeyondItsLimit() throws Exception {
		Tools.release = new CountDownLatch(1);
		Tools.entered = new CountDownLatch(1);
		ExecutorService thread = Executors.newSingleThreadExecutor();
		try {
			Future<String> first = thread.submit(() -> this.tools.narrow("narrow"));
			assertThat(Tools.entered.await(10, TimeUnit.SECONDS)).isTrue();
			assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(() -> this.tools.narrow("narrow"));
			Tools.release.countDown();
			assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("through");
		}
		finally {
			thread.shutdownNow();
		}
		assertThat(Tools.count("narrow")).isEqualTo(1);
	}

	@Test
	void fallbackAnswersAfterTheLastAttemptAndTheStepSaysSo() {
		assertThat(this.plans.fallback("k")).isEqualTo("cached k after lookup service down");
		assertThat(Tools.count("k")).isEqualTo(2);
		StepRow step = this.store.steps(latest("guarded-fallback").id()).get(0);
		assertThat(step.succeeded()).isTrue();
		assertThat(step.fellBack()).isTrue();
		assertThat(step.attempts()).isEqualTo(2);
	}

	@Test
	void failRunFailsTheRunEvenWhenThePlanCatches() {
		assertThatIllegalStateException().isThrownBy(() -> this.plans.fatal("f")).withMessage("unrecoverable");
		RunView run = latest("guarded-fatal");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorMessage()).isEqualTo("unrecoverable");
		assertThat(this.store.steps(run.id())).singleElement()
			.satisfies((step) -> assertThat(step.succeeded()).isFalse());
	}

	@Test
	void throwModeHandsTheFailureToThePlanWithoutRetryingExcludedExceptions() {
		assertThat(this.plans.thrown("x")).isEqualTo("caught bad input x");
		assertThat(Tools.count("x")).as("no retry for IllegalArgumentException").isEqualTo(1);
		RunView run = latest("guarded-throw");
		assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
		StepRow step = this.store.steps(run.id()).get(0);
		assertThat(step.succeeded()).isFalse();
		assertThat(step.errorType()).isEqualTo(IllegalArgumentException.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> this.tools.invalid("y"));
	}

	@Test
	void backoffHonoursARetryAfterHint() {
		long start = System.nanoTime();
		assertThat(this.tools.hinted("h")).isEqualTo("served");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void humanReviewRetriesUntilTheToolWorks() throws Exception {
		Tools.healthy = false;
		RunSuspendedException suspended = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.plans.reviewed("retry"))
			.actual();
		ReviewView first = this.reviews.find(suspended.getReviewId()).orElseThrow();
		assertThat(first.checkpoint()).isEqualTo("reviewed");
		assertThat(first.summary()).startsWith("Tool 'reviewed' failed after 2 attempts: pricing service down.");
		assertThat(first.payload()).contains("\"resultType\":\"int\"").contains("\"arguments\":[\"retry\"]");
		this.reviews.decide(first.id(), ReviewDecision.approve("ops"));
		ReviewView second = Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(suspended.getRunId())).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
		assertThat(second.round()).isEqualTo(2);
		assertThat(Tools.count("retry")).isEqualTo(4);
		Tools.healthy = true;
		this.reviews.decide(second.id(), ReviewDecision.approve("ops"));
		assertThat(this.runs.handle(suspended.getRunId()).orElseThrow().await(Duration.ofSeconds(20))).isEqualTo(43);
		assertThat(Tools.count("retry")).isEqualTo(5);
	}

	@Test
	void humanReviewOverridesTheResultOrAborts() throws Exception {
		Tools.healthy = false;
		RunSuspendedException overridden = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.plans.reviewed("override"))
			.actual();
		assertThatExceptionOfType(InvalidReviewDecisionException.class)
			.isThrownBy(() -> this.reviews.decide(overridden.getReviewId(),
					ReviewDecision.approveWithEdits("ops", Map.of("result", "lots"))))
			.satisfies((ex) -> assertThat(ex.getField()).isEqualTo("edits.result"));
		this.reviews.decide(overridden.getReviewId(), ReviewDecision.approveWithEdits("ops", Map.of("result", 7)));
		assertThat(this.runs.handle(overridden.getRunId()).orElseThrow().await(Duration.ofSeconds(20))).isEqualTo(8);
		assertThat(Tools.count("override")).as("not called again").isEqualTo(2);
		assertThat(this.store.steps(overridden.getRunId())).singleElement()
			.satisfies((step) -> assertThat(step.output()).isEqualTo("7"));

		RunSuspendedException aborted = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.plans.reviewed("abort"))
			.actual();
		this.reviews.decide(aborted.getReviewId(), ReviewDecision.reject("ops", "give up"));
		assertThatExceptionOfType(RunFailedException.class)
			.isThrownBy(() -> this.runs.handle(aborted.getRunId()).orElseThrow().await(Duration.ofSeconds(20)))
			.withMessageContaining("rejected by ops: give up");
	}

	@Test
	void stepsRunsAndGuardsAreMetered() {
		this.plans.fallback("metered");
		assertThat(this.meters.get("guarded.steps")
			.tags("tool", "with-fallback", "kind", "TOOL", "outcome", "fallback")
			.timer()
			.count()).isPositive();
		assertThat(this.meters.get("guarded.runs.started").tags("name", "guarded-fallback").counter().count())
			.isPositive();
		assertThat(this.meters.get("guarded.runs.finished")
			.tags("name", "guarded-fallback", "status", "SUCCEEDED")
			.counter()
			.count()).isPositive();
		assertThat(this.meters.get("guarded.runs.active").gauge().value()).isZero();
		assertThat(this.meters.get("resilience4j.retry.calls").tags("name", "with-fallback").meters()).isNotEmpty();
		assertThat(this.meters.find("resilience4j.circuitbreaker.state").tags("name", "with-fallback").meters())
			.isNotEmpty();
	}

	@Test
	void annotationOverridesToolPropertiesWhichOverrideDefaults() {
		GuardSettings flaky = this.guards.settings(method("flaky", String.class), "flaky");
		assertThat(flaky.maxAttempts()).as("annotation").isEqualTo(4);
		assertThat(flaky.timeout()).as("guarded-agents.tools.flaky").isEqualTo(Duration.ofSeconds(2));
		assertThat(flaky.backoffInitial()).as("guarded-agents.tools.defaults").isEqualTo(Duration.ofMillis(40));
		assertThat(flaky.backoffMax()).as("built-in").isEqualTo(Duration.ofSeconds(10));
		GuardSettings breaker = this.guards.settings(method("breaker", String.class, boolean.class), "breaker");
		assertThat(breaker.maxAttempts()).isEqualTo(1);
		assertThat(breaker.slidingWindowSize()).isEqualTo(4);
		assertThat(breaker.onFailure()).isEqualTo(FailureMode.THROW);
		GuardSettings fatal = this.guards.settings(method("fatal", String.class), "fatal");
		assertThat(fatal.onFailure()).isEqualTo(FailureMode.FAIL_RUN);
		assertThat(fatal.maxAttempts()).isEqualTo(1);
		GuardSettings tuned = this.guards.settings(method("tuned", String.class), "tuned");
		assertThat(tuned.backoffInitial()).isEqualTo(Duration.ofMillis(5));
		assertThat(tuned.backoffMultiplier()).isEqualTo(3);
		assertThat(tuned.backoffMax()).isEqualTo(Duration.ofSeconds(1));
		assertThat(tuned.jitter()).isEqualTo(0.1);
		assertThat(tuned.failureRateThreshold()).isEqualTo(25);
		assertThat(tuned.slidingWindowSize()).isEqualTo(8);
		assertThat(tuned.waitInOpenState()).isEqualTo(Duration.ofMinutes(2));
		assertThat(tuned.maxConcurrentCalls()).isEqualTo(2);
		assertThat(tuned.maxAttempts()).as("guarded-agents.tools.defaults").isEqualTo(5);
		GuardSettings other = this.guards.settings(method("invalid", String.class), "not-retried");
		assertThat(other.maxAttempts()).as("guarded-agents.tools.defaults").isEqualTo(5);
	}

	private static java.lang.reflect.Method method(String name, Class<?>... parameters) {
		return ReflectionUtils.findMethod(Tools.class, name, parameters);
	}

	private RunView latest(String name) {
		List<RunView> runs = this.store.list(null, name, null, 0, 1).runs().stream().map(RunRow::view).toList();
		return runs.get(0);
	}

}
