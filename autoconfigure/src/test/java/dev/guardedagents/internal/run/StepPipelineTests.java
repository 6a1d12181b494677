package dev.guardedagents.internal.run;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;
import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.FailureMode;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.NonDeterministicRunException;
import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.PolicyViolationException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.Reviewer;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.internal.store.ReviewRow;
import dev.guardedagents.internal.store.StepRow;
import dev.guardedagents.internal.guard.GuardSettings;
import dev.guardedagents.internal.guard.ToolGuard;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.security.ReviewAccess;
import dev.guardedagents.spi.PolicyAction;
import dev.guardedagents.spi.StepPolicy;
import dev.guardedagents.internal.store.ExpiredRun;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewRun;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The step pipeline alone, without Spring, over a journal in an in-memory database: every
 * kind of step body (a bean method, a model call, a tool the model picked) gets the same
 * guarantees from the same code. Each test runs one protocol rule for each kind.
 */
class StepPipelineTests {

	private static final DataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:pipeline-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");

	private static final Method WORK = work();

	private static String schema;

	/**
	 * The journal's size limit here, in bytes.
	 */
	private static final int LIMIT = 4096;

	/**
	 * The argument every kind of body is given, in its input.
	 */
	private String argument = "order-7";

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final JsonCodec codec = new JsonCodec(this.mapper);

	private final List<StepPolicy> policies = new CopyOnWriteArrayList<>();

	private final AtomicInteger calls = new AtomicInteger();

	private JdbcRunStore store;

	private JdbcReviewStore reviews;

	private StepPipeline pipeline;

	private AgentRunRegistry.Plan plan;

	@BeforeAll
	static void createSchema() {
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents",
				null);
		initializer.afterPropertiesSet();
		schema = initializer.getSchema();
	}

	@BeforeEach
	void createPipeline() {
		this.store = new JdbcRunStore(dataSource, schema);
		this.reviews = new JdbcReviewStore(dataSource, schema);
		RunSettings settings = new RunSettings("here", 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(30),
				Duration.ofSeconds(10), Duration.ofSeconds(5), 3, Duration.ofHours(1), Duration.ofSeconds(1), false,
				false, Duration.ofSeconds(1), LIMIT, false, Map.of());
		RunJournal journal = new RunJournal(this.store, settings, java.time.Clock.systemUTC());
		RunObserver observer = RunObserver.NONE;
		ReviewEvents events = new ReviewEvents((event) -> {
		});
		Parking parking = new Parking(journal, this.reviews,
				new ReviewAccess(Map.of(), true, false, (reviewer) -> Set.of(), Set.of(), true),
				settings.reviewTimeout(), observer, events);
		BudgetGate budget = new BudgetGate(journal, parking, this.codec, events, observer);
		this.pipeline = new StepPipeline(journal, this.codec, budget,
				new PolicyGate(parking, this.codec, List.of(this::check)), parking,
				new ToolReviews(journal, parking, this.codec),
				new GuardedCalls(new JdbcIdempotencyStore(dataSource, schema), this.codec, Duration.ofSeconds(1),
						java.time.Clock.systemUTC(), false),
				() -> new TransactionTemplate(), observer, new SimulatedCrashes(), () -> RunTracing.NONE);
		this.plan = new AgentRunRegistry.Plan("pipeline-" + UUID.randomUUID(), "1", this, WORK,
				WORK.getGenericParameterTypes(), String.class, null, null, "");
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void aStepIsRecordedOnceAndReplayedWithoutItsBody(Body body) throws Throwable {
		Execution execution = start();
		assertThat(run(execution, body, "refund", FailureMode.THROW, () -> "refunded")).isEqualTo("refunded");
		StepRow step = this.store.steps(execution.runId()).get(0);
		assertThat(step.kind()).isEqualTo(body.kind);
		assertThat(step.name()).isEqualTo("refund");
		assertThat(step.succeeded()).isTrue();
		assertThat(step.attempts()).isOne();
		assertThat(step.idempotencyKey()).isEqualTo(execution.runId() + "/1");
		assertThat(step.usage() != null).isEqualTo(body == Body.MODEL);

		Execution resumed = resumed(execution.runId(), execution.epoch());
		assertThat(run(resumed, body, "refund", FailureMode.THROW, () -> "again")).isEqualTo("refunded");
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void aModelRequestThatContinuesAnEarlierOneIsJournaledAsItsContinuationAlsoAfterAResume() throws Throwable {
		Execution execution = start();
		List<String> conversation = new ArrayList<>(
				List.of("{\"role\":\"system\",\"text\":\"be brief\"}", "{\"role\":\"user\",\"text\":\"refund 7\"}"));
		model(execution, conversation);
		conversation.add("{\"role\":\"assistant\",\"toolCalls\":[\"refund\"]}");
		conversation.add("{\"role\":\"tool\",\"text\":\"refunded\"}");
		model(execution, conversation);
		model(execution, List.of("{\"role\":\"user\",\"text\":\"another conversation\"}"));
		conversation.add("{\"role\":\"assistant\",\"text\":\"done\"}");
		conversation.add("{\"role\":\"user\",\"text\":\"thanks\"}");
		model(execution, conversation);

		List<StepRow> steps = this.store.steps(execution.runId());
		assertThat(steps).extracting(StepRow::input)
			.containsExactly(
					"{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"system\",\"text\":\"be brief\"},"
							+ "{\"role\":\"user\",\"text\":\"refund 7\"}]}",
					"{\"model\":\"gpt-test\",\"after\":1,\"messages\":[{\"role\":\"assistant\","
							+ "\"toolCalls\":[\"refund\"]},{\"role\":\"tool\",\"text\":\"refunded\"}]}",
					"{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"text\":\"another conversation\"}]}",
					"{\"model\":\"gpt-test\",\"after\":2,\"messages\":[{\"role\":\"assistant\",\"text\":\"done\"},"
							+ "{\"role\":\"user\",\"text\":\"thanks\"}]}");
		assertThat(Conversation.rebuild(steps, 4, this.mapper))
			.isEqualTo("{\"model\":\"gpt-test\",\"messages\":[" + String.join(",", conversation) + "]}");

		// resumed: the replayed requests are rebuilt, so the next one still continues
		// them
		Execution resumed = resumed(execution.runId(), execution.epoch());
		for (int i = 0; i < 4; i++) {
			model(resumed, List.of("{\"role\":\"user\",\"text\":\"replayed, not journaled\"}"));
		}
		conversation.add("{\"role\":\"assistant\",\"text\":\"you are welcome\"}");
		model(resumed, conversation);
		assertThat(this.store.steps(execution.runId()).get(4).input())
			.isEqualTo("{\"model\":\"gpt-test\",\"after\":4,\"messages\":[{\"role\":\"assistant\","
					+ "\"text\":\"you are welcome\"}]}");
	}

	private void model(Execution execution, List<String> messages) throws Throwable {
		Execution previous = RunContextHolder.bind(execution);
		try {
			this.pipeline.run(new StepBody.Model("chat", "gpt-test",
					() -> new ModelRequest("{\"model\":\"gpt-test\"", List.copyOf(messages)), guard(FailureMode.THROW),
					() -> new ExternalSteps.ModelCall.Result("\"ok\"", null), UnaryOperator.identity()));
		}
		finally {
			RunContextHolder.bind(previous);
		}
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void aFailureIsRecordedThrownAndReplayedAsThrown(Body body) throws Throwable {
		Execution execution = start();
		assertThatIllegalStateException().isThrownBy(() -> run(execution, body, "refund", FailureMode.THROW, () -> {
			throw new IllegalStateException("provider down");
		})).withMessage("provider down");
		StepRow step = this.store.steps(execution.runId()).get(0);
		assertThat(step.succeeded()).isFalse();
		assertThat(step.errorType()).isEqualTo(IllegalStateException.class.getName());

		Execution resumed = resumed(execution.runId(), execution.epoch());
		assertThatIllegalStateException()
			.isThrownBy(() -> run(resumed, body, "refund", FailureMode.THROW, () -> "not called"))
			.withMessage("provider down");
		assertThat(this.calls).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void failRunFailsTheRunWithTheStepsFailure(Body body) {
		Execution execution = start();
		RunSignal signal = catchThrowableOfType(RunSignal.class,
				() -> run(execution, body, "refund", FailureMode.FAIL_RUN, () -> {
					throw new IllegalStateException("provider down");
				}));
		assertThat(signal.reason()).isEqualTo(RunSignal.Reason.FAIL_RUN);
		assertThat(signal.getCause()).hasMessage("provider down");
		assertThat(this.store.steps(execution.runId())).singleElement().satisfies((step) -> {
			assertThat(step.succeeded()).isFalse();
		});
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void humanReviewParksTheRunAndASuppliedResultAnswersWithoutTheBody(Body body) throws Throwable {
		Execution execution = start();
		ReviewRow review = park(execution, body);
		decide(review, ReviewDecision.Decision.APPROVE, "{\"result\": \"refunded by hand\"}");

		Execution resumed = claim(execution.runId());
		assertThat(run(resumed, body, "refund", FailureMode.HUMAN_REVIEW, () -> "not called"))
			.isEqualTo("refunded by hand");
		assertThat(this.calls).hasValue(1);
		StepRow step = this.store.steps(execution.runId()).get(0);
		assertThat(step.succeeded()).isTrue();
		assertThat(step.attempts()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void humanReviewApprovedRunsTheBodyAgain(Body body) throws Throwable {
		Execution execution = start();
		ReviewRow review = park(execution, body);
		decide(review, ReviewDecision.Decision.APPROVE, null);

		Execution resumed = claim(execution.runId());
		assertThat(run(resumed, body, "refund", FailureMode.HUMAN_REVIEW, () -> "refunded")).isEqualTo("refunded");
		assertThat(this.calls).hasValue(2);
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void humanReviewRejectedFailsTheRun(Body body) throws Throwable {
		Execution execution = start();
		ReviewRow review = park(execution, body);
		decide(review, ReviewDecision.Decision.REJECT, null);

		Execution resumed = claim(execution.runId());
		RunSignal signal = catchThrowableOfType(RunSignal.class,
				() -> run(resumed, body, "refund", FailureMode.HUMAN_REVIEW, () -> "not called"));
		assertThat(signal.reason()).isEqualTo(RunSignal.Reason.FAIL_RUN);
		assertThat(signal.getCause()).isInstanceOf(CheckpointRejectedException.class);
		assertThat(this.calls).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void aDeniedInputNeverReachesTheBody(Body body) {
		this.policies
			.add((check) -> check.output() ? StepPolicy.Verdict.ALLOW : StepPolicy.Verdict.deny("no refunds today"));
		Execution execution = start();
		assertThatExceptionOfType(PolicyViolationException.class)
			.isThrownBy(() -> run(execution, body, "refund", FailureMode.THROW, () -> "refunded"))
			.withMessageContaining("no refunds today");
		assertThat(this.calls).hasValue(0);
		assertThat(this.store.steps(execution.runId())).singleElement().satisfies((step) -> {
			assertThat(step.errorType()).isEqualTo(PolicyViolationException.class.getName());
			assertThat(step.input()).as("the denied input is not journaled")
				.isEqualTo(StepPipeline.DENIED_INPUT)
				.doesNotContain("order-7");
		});
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void aDeniedOutputIsNotRecordedAsTheAnswer(Body body) {
		this.policies.add((check) -> check.output() && check.payload().contains("secret")
				? StepPolicy.Verdict.deny("leaks a secret") : StepPolicy.Verdict.ALLOW);
		Execution execution = start();
		assertThatExceptionOfType(PolicyViolationException.class)
			.isThrownBy(() -> run(execution, body, "refund", FailureMode.THROW, () -> "the secret"))
			.withMessageContaining("leaks a secret");
		assertThat(this.store.steps(execution.runId())).singleElement()
			.satisfies((step) -> assertThat(step.output()).isNull());
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void noBodyStartsForARunAnotherInstanceTookOver(Body body) {
		Execution execution = new Execution(insertRun(), this.plan, 1, List.of(), Execution.Origin.EXECUTOR, null);
		// never confirmed: the pipeline renews the lease before the body, and finds the
		// run claimed by another owner
		new JdbcTemplate(dataSource).update("UPDATE " + schema + ".guarded_run SET owner_epoch = 2 WHERE id = ?",
				execution.runId());
		RunSignal signal = catchThrowableOfType(RunSignal.class,
				() -> run(execution, body, "refund", FailureMode.THROW, () -> "refunded"));
		assertThat(signal.reason()).isEqualTo(RunSignal.Reason.LOST);
		assertThat(this.calls).hasValue(0);
		assertThat(this.store.steps(execution.runId())).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void aReplayThatMeetsAnotherStepPoisonsTheRun(Body body) throws Throwable {
		Execution execution = start();
		run(execution, body, "refund", FailureMode.THROW, () -> "refunded");
		Execution resumed = resumed(execution.runId(), execution.epoch());
		assertThatExceptionOfType(NonDeterministicRunException.class)
			.isThrownBy(() -> run(resumed, body, "notify", FailureMode.THROW, () -> "notified"))
			.withMessageContaining("'refund' as step 1");
		assertThat(resumed.poison()).isNotNull();
		assertThat(this.calls).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void aCancelledRunStartsNoStep(Body body) {
		Execution execution = start();
		execution.cancel();
		RunSignal signal = catchThrowableOfType(RunSignal.class,
				() -> run(execution, body, "refund", FailureMode.THROW, () -> "refunded"));
		assertThat(signal.reason()).isEqualTo(RunSignal.Reason.CANCELLED);
		assertThat(this.calls).hasValue(0);
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void anOutputOverTheJournalsLimitFailsTheStepAndIsNotJournaled(Body body) throws Throwable {
		Execution execution = start();
		PayloadTooLargeException tooLarge = catchThrowableOfType(PayloadTooLargeException.class,
				() -> run(execution, body, "refund", FailureMode.THROW, () -> "x".repeat(LIMIT)));
		assertThat(tooLarge.getPart()).isEqualTo("output");
		assertThat(tooLarge.getSize()).isGreaterThan(LIMIT);
		assertThat(tooLarge.getLimit()).isEqualTo(LIMIT);
		assertThat(tooLarge).hasMessageContaining("guarded-agents.journal.max-payload-size");
		StepRow step = this.store.steps(execution.runId()).get(0);
		assertThat(step.succeeded()).isFalse();
		assertThat(step.output()).isNull();
		assertThat(step.errorType()).isEqualTo(PayloadTooLargeException.class.getName());

		Execution resumed = resumed(execution.runId(), execution.epoch());
		assertThatExceptionOfType(PayloadTooLargeException.class)
			.isThrownBy(() -> run(resumed, body, "refund", FailureMode.THROW, () -> "not called"))
			.withMessage(tooLarge.getMessage());
		assertThat(this.calls).hasValue(1);
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void anInputOverTheJournalsLimitFailsTheStepBeforeItsBody(Body body) {
		this.argument = "é".repeat(LIMIT / 2);
		Execution execution = start();
		PayloadTooLargeException tooLarge = catchThrowableOfType(PayloadTooLargeException.class,
				() -> run(execution, body, "refund", FailureMode.THROW, () -> "refunded"));
		assertThat(tooLarge.getPart()).isEqualTo("input");
		assertThat(tooLarge.getSize()).as("counted in bytes of UTF-8").isGreaterThan(LIMIT);
		assertThat(this.calls).hasValue(0);
		StepRow step = this.store.steps(execution.runId()).get(0);
		assertThat(step.errorType()).isEqualTo(PayloadTooLargeException.class.getName());
		assertThat(step.input()).startsWith("\"(input of ").doesNotContain("éé");
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void cancelInterruptsAnInterruptibleBody(Body body) throws Exception {
		Execution execution = start();
		CountDownLatch started = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		AtomicBoolean completed = new AtomicBoolean();
		CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
			Execution previous = RunContextHolder.bind(execution);
			try {
				this.pipeline.run(body.create(this, "refund", guard(FailureMode.THROW, true), counted(() -> {
					started.countDown();
					try {
						Thread.sleep(30_000);
					}
					catch (InterruptedException ex) {
						interrupted.set(true);
						throw ex;
					}
					completed.set(true);
					return "refunded";
				})));
			}
			finally {
				RunContextHolder.bind(previous);
			}
		}));
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		Instant now = Instant.now();
		// as the engine cancels: the run row first (its epoch moves on), then the
		// execution
		this.store.cancel(execution.runId(), now, Set.of(), "here", now.plusSeconds(30), now.minusSeconds(30), "ops");
		execution.cancel();
		Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
		assertThat(interrupted).isTrue();
		assertThat(completed).isFalse();
		assertThat(thrown).isInstanceOfSatisfying(RunSignal.class,
				(signal) -> assertThat(signal.reason()).isEqualTo(RunSignal.Reason.CANCELLED));
		assertThat(this.calls).hasValue(1);
		assertThat(this.store.steps(execution.runId())).isEmpty();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(Body.class)
	void outsideARunTheBodyIsOnlyGuarded(Body body) throws Throwable {
		assertThat(body.answer(this,
				this.pipeline.run(body.create(this, "refund", guard(FailureMode.THROW), counted(() -> "refunded")))))
			.isEqualTo("refunded");
		assertThat(this.calls).hasValue(1);
	}

	/**
	 * The policies a test adds, checked in order.
	 */
	private StepPolicy.Verdict check(StepPolicy.Check check) {
		for (StepPolicy policy : this.policies) {
			StepPolicy.Verdict verdict = policy.check(check);
			if (verdict.action() != PolicyAction.ALLOW) {
				return verdict;
			}
		}
		return StepPolicy.Verdict.ALLOW;
	}

	/**
	 * Parks the run on a failed step under {@code HUMAN_REVIEW}.
	 */
	private ReviewRow park(Execution execution, Body body) {
		RunSignal signal = catchThrowableOfType(RunSignal.class,
				() -> run(execution, body, "refund", FailureMode.HUMAN_REVIEW, () -> {
					throw new IllegalStateException("provider down");
				}));
		assertThat(signal.reason()).isEqualTo(RunSignal.Reason.SUSPENDED);
		assertThat(this.store.findRun(execution.runId()).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
		assertThat(this.store.steps(execution.runId())).isEmpty();
		ReviewRow review = this.reviews.findLatest(execution.runId(), 1, ReviewKind.TOOL_FAILURE).orElseThrow();
		assertThat(review.summary()).contains("provider down");
		return review;
	}

	private void decide(ReviewRow review, ReviewDecision.Decision decision, @Nullable String edits) {
		assertThat(this.reviews
			.decide(review.id(), Reviewer.of("ann"), Set.of("user:ann"), decision, null, edits, Instant.now())
			.result()).isEqualTo(JdbcReviewStore.Result.DECIDED);
	}

	private @Nullable String run(Execution execution, Body body, String name, FailureMode onFailure,
			Callable<String> work) throws Throwable {
		Execution previous = RunContextHolder.bind(execution);
		try {
			return body.answer(this, this.pipeline.run(body.create(this, name, guard(onFailure), counted(work))));
		}
		finally {
			RunContextHolder.bind(previous);
		}
	}

	private Callable<String> counted(Callable<String> work) {
		return () -> {
			this.calls.incrementAndGet();
			return work.call();
		};
	}

	private static ToolGuard guard(FailureMode onFailure) {
		return guard(onFailure, false);
	}

	private static ToolGuard guard(FailureMode onFailure, boolean cancelInterrupts) {
		GuardSettings d = GuardSettings.DEFAULTS;
		GuardSettings once = new GuardSettings(d.timeout(), 1, d.backoffInitial(), d.backoffMultiplier(),
				d.backoffMax(), d.jitter(), List.of(), List.of(), false, d.failureRateThreshold(),
				d.slidingWindowSize(), d.minimumNumberOfCalls(), d.waitInOpenState(), d.maxConcurrentCalls(), onFailure,
				cancelInterrupts);
		return new ToolGuards(once, Map.of(), once, Map.of()).tool("step-" + UUID.randomUUID());
	}

	private Execution start() {
		Execution execution = new Execution(insertRun(), this.plan, 1, List.of(), Execution.Origin.EXECUTOR, null);
		execution.confirmed(Instant.now());
		return execution;
	}

	private String insertRun() {
		String id = UUID.randomUUID().toString();
		Instant now = Instant.now();
		this.store.insertRun(new NewRun(id, this.plan.name(), "1", "[]", null, null, "here", now, now.plusSeconds(30)));
		return id;
	}

	private Execution resumed(String runId, long epoch) {
		Execution execution = new Execution(runId, this.plan, epoch, this.store.steps(runId), Execution.Origin.RESUMED,
				null);
		execution.confirmed(Instant.now());
		return execution;
	}

	/**
	 * Claims a run a decision handed back, as recovery does.
	 */
	private Execution claim(String runId) {
		List<ExpiredRun> claimed = this.store
			.claimExpired(Map.of(this.plan.name(), "1"), 3, Set.of(), "here", Instant::now, Duration.ofSeconds(30), 1)
			.runs();
		assertThat(claimed).singleElement().satisfies((run) -> assertThat(run.id()).isEqualTo(runId));
		// the claim moved the epoch on by one
		return resumed(runId, claimed.get(0).epoch() + 1);
	}

	/**
	 * The step's work behind the bean method's invocation.
	 */
	@SuppressWarnings("unused")
	private static String refund(String order) {
		return order;
	}

	private static Method work() {
		try {
			return StepPipelineTests.class.getDeclaredMethod("refund", String.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The kinds of step body, each made to run the same work and answer the same text.
	 */
	enum Body {

		BEAN_METHOD(StepKind.TOOL) {

			@Override
			StepBody.Planned<?> create(StepPipelineTests tests, String name, ToolGuard guard, Callable<String> work) {
				return new StepBody.BeanMethod(invocation(tests.argument, work), name, String.class, guard, null,
						false);
			}

		},

		MODEL(StepKind.LLM) {

			@Override
			StepBody.Planned<?> create(StepPipelineTests tests, String name, ToolGuard guard, Callable<String> work) {
				return new StepBody.Model(name, "gpt-test",
						() -> new ModelRequest("{\"model\":\"gpt-test\"",
								List.of("{\"role\":\"user\",\"text\":\"refund " + tests.argument + "\"}")),
						guard,
						() -> new ExternalSteps.ModelCall.Result(tests.mapper.writeValueAsString(work.call()),
								new ModelUsage("gpt-test", null, null, null, 12, 3, 0, 0, null)),
						UnaryOperator.identity());
			}

			@Override
			@Nullable String answer(StepPipelineTests tests, @Nullable Object answer) {
				return tests.mapper.readValue(((ExternalSteps.Outcome) answer).output(), String.class);
			}

		},

		MODEL_TOOL(StepKind.TOOL) {

			@Override
			StepBody.Planned<?> create(StepPipelineTests tests, String name, ToolGuard guard, Callable<String> work) {
				return new StepBody.ModelTool(name, "{\"order\":\"" + tests.argument + "\"}", guard, work::call);
			}

		};

		private final StepKind kind;

		Body(StepKind kind) {
			this.kind = kind;
		}

		abstract StepBody.Planned<?> create(StepPipelineTests tests, String name, ToolGuard guard,
				Callable<String> work);

		@Nullable String answer(StepPipelineTests tests, @Nullable Object answer) {
			return (String) answer;
		}

		private static MethodInvocation invocation(String argument, Callable<String> work) {
			return new MethodInvocation() {

				@Override
				public Method getMethod() {
					return WORK;
				}

				@Override
				public Object[] getArguments() {
					return new Object[] { argument };
				}

				@Override
				public @Nullable Object proceed() throws Throwable {
					return work.call();
				}

				@Override
				public @Nullable Object getThis() {
					return null;
				}

				@Override
				public AccessibleObject getStaticPart() {
					return WORK;
				}

			};
		}

	}

}
