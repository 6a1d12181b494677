package dev.guardedagents.internal.run;

import java.io.ByteArrayInputStream;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.CompensationStatus;
import dev.guardedagents.RunArgumentException;
import dev.guardedagents.RunCancelledException;
import dev.guardedagents.RunFailedException;
import dev.guardedagents.PayloadTooLargeException;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.run.EngineTestApplication.Order;
import dev.guardedagents.internal.run.EngineTestApplication.Plans;
import dev.guardedagents.internal.run.EngineTestApplication.Tools;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewRun;
import dev.guardedagents.internal.store.NewStep;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The run engine on a real database: journaling, replay, recovery, idempotency,
 * cancellation. Run on H2 and on PostgreSQL by the subclasses.
 */
@EngineTest
@ExtendWith(OutputCaptureExtension.class)
abstract class RunEngineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	Plans plans;

	@Autowired
	Tools tools;

	@Autowired
	AgentRuns runs;

	@Autowired
	JdbcRunStore store;

	@Autowired
	RunRecovery recovery;

	@Autowired
	RunEngine engine;

	@Autowired
	DataSource dataSource;

	@Autowired
	GuardedAgentsSchemaInitializer schemaInitializer;

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
	}

	@Test
	void runJournalsEachStepWithItsOutputAndIdempotencyKey() {
		assertThat(this.plans.threeSteps("x")).isEqualTo("data-data-x-3/three-steps");
		RunView run = latest("three-steps");
		assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
		assertThat(run.result()).isEqualTo("\"data-data-x-3/three-steps\"");
		assertThat(run.arguments()).isEqualTo("[\"x\"]");
		assertThat(run.stepCount()).isEqualTo(3);
		assertThat(run.owner()).isNull();
		List<StepView> steps = this.runs.steps(run.id());
		assertThat(steps).extracting(StepView::kind).containsOnly(StepKind.TOOL);
		assertThat(steps).extracting(StepView::name).containsExactly("Tools.fetch", "add", "Tools.fetch");
		assertThat(steps).extracting(StepView::output).containsExactly("\"data-x\"", "3", "\"data-data-x-3\"");
		assertThat(steps).extracting(StepView::input).containsExactly("[\"x\"]", "[1,2]", "[\"data-x-3\"]");
		assertThat(steps).extracting(StepView::idempotencyKey)
			.containsExactly(run.id() + "/1", run.id() + "/2", run.id() + "/3");
		assertThat(EngineTestApplication.stepKeys).containsExactly(run.id() + "/1", run.id() + "/3");
	}

	@Test
	void freshRunCostsOneStatementPerStepPlusTwoAndNoReads() {
		StatementLog.statements.clear();
		this.plans.threeSteps("counted");
		List<String> sql = StatementLog.of(Thread.currentThread());
		assertThat(sql).hasSize(5);
		assertThat(sql.get(0)).startsWith("INSERT INTO").contains("guarded_run");
		assertThat(sql.subList(1, 4))
			.allSatisfy((s) -> assertThat(s).startsWith("INSERT INTO").contains("guarded_step"));
		assertThat(sql.get(4)).startsWith("UPDATE").contains("guarded_run");
	}

	@Test
	void aJournalWriteThatFailsTransientlyIsRetriedAndTheRunGoesOn() {
		StatementLog.failures.set(3);
		StatementLog.failNext = "INSERT INTO " + schema() + ".guarded_step";
		assertThat(this.plans.threeSteps("blip")).isEqualTo("data-data-blip-3/three-steps");
		RunView run = latest("three-steps");
		assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
		assertThat(run.recoveries()).isZero();
		assertThat(EngineTestApplication.calls("engine:fetch:blip")).as("executed once, not re-run").hasSize(1);
	}

	@Test
	void aRetriedStepWriteWhoseFirstAttemptHadCommittedIsTakenAsRecorded() {
		StatementLog.failAfterNext = "INSERT INTO " + schema() + ".guarded_step";
		assertThat(this.plans.threeSteps("landed")).isEqualTo("data-data-landed-3/three-steps");
		RunView run = latest("three-steps");
		assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
		assertThat(this.runs.steps(run.id())).hasSize(3);
		assertThat(EngineTestApplication.calls("engine:fetch:landed")).as("executed once").hasSize(1);
	}

	@Test
	void runWhoseStepCannotBeRecordedWithinTheOutageToleranceIsReleasedForRecovery() throws Exception {
		StatementLog.failures.set(1_000_000);
		StatementLog.failNext = "INSERT INTO " + schema() + ".guarded_step";
		assertThatExceptionOfType(DataAccessResourceFailureException.class)
			.isThrownBy(() -> this.plans.threeSteps("unrecorded"));
		StatementLog.failNext = null;
		StatementLog.failures.set(1);
		RunView run = latest("three-steps");
		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.leaseUntil()).isBefore(Instant.now());
		assertThat(this.recovery.recover()).isEqualTo(1);
		assertThat(handle(run.id()).await(TIMEOUT)).isEqualTo("data-data-unrecorded-3/three-steps");
		assertThat(EngineTestApplication.calls("engine:fetch:unrecorded")).as("at least once").hasSize(2);
	}

	@Test
	void toolOutsideARunIsAPlainCall() {
		long before = this.store.list(null, null, null, 0, 1).total();
		assertThat(this.tools.fetch("plain")).isEqualTo("data-plain");
		assertThat(this.store.list(null, null, null, 0, 1).total()).isEqualTo(before);
	}

	@Test
	void resumedRunReturnsRecordedStepsAndExecutesTheRest() throws Exception {
		String id = crashedRun("three-steps", "1", "[\"z\"]", step(1, "Tools.fetch", "[\"z\"]", "\"recorded-z\""));
		assertThat(this.recovery.recover()).isEqualTo(1);
		assertThat(handle(id).await(TIMEOUT)).isEqualTo("data-recorded-z-3/three-steps");
		assertThat(EngineTestApplication.calls).containsExactly("engine:add:1+2", "engine:fetch:recorded-z-3");
		RunView run = this.runs.find(id).orElseThrow();
		assertThat(run.recoveries()).as("cleared by the steps it completed").isZero();
		assertThat(this.runs.steps(id)).hasSize(3);
	}

	@Test
	void resumeReadsArgumentsWithTheirGenericTypes() throws Exception {
		String id = crashedRun("no-result", "1", "[[{\"id\":\"a\",\"customer\":\"c\",\"amount\":5}]]");
		this.recovery.recover();
		assertThat(handle(id).await(TIMEOUT)).isNull();
		assertThat(EngineTestApplication.calls).containsExactly("engine:add:5+0");
	}

	@Test
	void stepFailureIsJournaledAndRethrownWithItsTypeOnReplay() throws Exception {
		assertThat(this.plans.recoversFromFailure()).isEqualTo("caught IllegalStateException boom then data-after");
		RunView fresh = latest("recovers-from-failure");
		StepView failed = this.runs.steps(fresh.id()).get(0);
		assertThat(failed.succeeded()).isFalse();
		assertThat(failed.errorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(failed.errorMessage()).isEqualTo("boom");
		EngineTestApplication.reset();
		String id = crashedRun("recovers-from-failure", "1", "[]", rerecorded(failed));
		this.recovery.recover();
		assertThat(handle(id).await(TIMEOUT)).isEqualTo("caught IllegalStateException boom then data-after");
		assertThat(EngineTestApplication.calls).containsExactly("engine:fetch:after");
	}

	@Test
	void aStepOutputOverTheJournalsLimitFailsTheStepWithoutBloatingTheJournal() {
		// the default limit, guarded-agents.journal.max-payload-size = 1MB
		assertThat(this.plans.exports(1000)).isEqualTo(1000);
		assertThatExceptionOfType(PayloadTooLargeException.class).isThrownBy(() -> this.plans.exports(2 * 1024 * 1024))
			.withMessageContaining("The output of step 'export' is 2097154 bytes of JSON, over the journal's limit "
					+ "of 1048576 bytes (guarded-agents.journal.max-payload-size)");
		RunView run = latest("exports");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorType()).isEqualTo(PayloadTooLargeException.class.getName());
		assertThat(this.runs.steps(run.id())).singleElement().satisfies((step) -> {
			assertThat(step.succeeded()).isFalse();
			assertThat(step.output()).isNull();
			assertThat(step.errorType()).isEqualTo(PayloadTooLargeException.class.getName());
		});
	}

	@Test
	void runThatThrowsIsRecordedAsFailed() {
		assertThatIllegalStateException().isThrownBy(this.plans::failing).withMessage("fatal");
		RunView run = latest("failing");
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(run.errorMessage()).isEqualTo("fatal");
		assertThat(run.stepCount()).isEqualTo(1);
	}

	@Test
	void changedPlanFailsTheRunLoudlyOnReplay() {
		String id = crashedRun("three-steps", "1", "[\"z\"]", step(1, "Tools.lookup", "[\"z\"]", "\"old\""));
		this.recovery.recover();
		assertThatExceptionOfType(RunFailedException.class).isThrownBy(() -> handle(id).await(TIMEOUT))
			.satisfies(
					(ex) -> assertThat(ex.getErrorType()).isEqualTo("dev.guardedagents.NonDeterministicRunException"))
			.withMessageContaining("recorded TOOL 'Tools.lookup' as step 1 but the code now calls TOOL 'Tools.fetch'");
		assertThat(EngineTestApplication.calls).isEmpty();
	}

	@Test
	void runOfAnotherPlanVersionIsReportedAndNotResumed(CapturedOutput output) {
		String id = crashedRun("three-steps", "0", "[\"z\"]");
		assertThat(this.recovery.recover()).isZero();
		RunView run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(run.owner()).isEqualTo("dead-instance");
		assertThat(output).contains("Run " + id + " (three-steps version 0) is waiting for an instance with that "
				+ "plan version; this instance has version 1");
		this.runs.cancel(id);
	}

	@Test
	void aResumptionAfterACrashCountsWhenItStartsABodyAndProgressClearsTheCount() throws Exception {
		String id = crashedRun("gated", "1", "[\"count\"]",
				step(1, "Tools.fetch", "[\"before-count\"]", "\"data-before-count\""));
		new JdbcTemplate(this.dataSource).update("UPDATE guarded_agents.guarded_run SET recoveries = 2 WHERE id = ?",
				id);
		CountDownLatch gate = EngineTestApplication.gate(instance(), "count");
		assertThat(this.recovery.recover()).isEqualTo(1);
		EngineTestApplication.awaitArrival(instance(), "count");
		assertThat(this.runs.find(id).orElseThrow().recoveries()).as("claimed, then started a body").isEqualTo(3);
		gate.countDown();
		assertThat(handle(id).await(TIMEOUT)).isEqualTo("passed-by-" + instance());
		assertThat(this.runs.find(id).orElseThrow().recoveries()).as("cleared by a completed step").isZero();
	}

	@Test
	void aClaimAloneIsNoRecovery() {
		String id = crashedRun("three-steps", "1", "[\"z\"]");
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		long epoch = jdbc.queryForObject("SELECT owner_epoch FROM guarded_agents.guarded_run WHERE id = ?", Long.class,
				id);
		// another instance takes the run over while this one's resumption waits in its
		// queue
		jdbc.update("UPDATE guarded_agents.guarded_run SET owner_epoch = owner_epoch + 2, owner_id = 'other' "
				+ "WHERE id = ?", id);
		this.engine.resume(id, epoch + 1, true, 0);
		assertThat(EngineTestApplication.calls).as("a stale queued resumption runs nothing").isEmpty();
		RunView run = this.runs.find(id).orElseThrow();
		assertThat(run.recoveries()).isZero();
		assertThat(run.owner()).isEqualTo("other");
		this.runs.cancel(id);
	}

	@Test
	void theScanDoesNotClaimARunThisInstanceExecutes() throws Exception {
		CountDownLatch gate = EngineTestApplication.gate(instance(), "own");
		RunHandle<String> handle = this.runs.start(() -> this.plans.gated("own"));
		EngineTestApplication.awaitArrival(instance(), "own");
		new JdbcTemplate(this.dataSource).update("UPDATE guarded_agents.guarded_run SET lease_until = ? WHERE id = ?",
				Timestamp.from(Instant.now().minusSeconds(1)), handle.runId());
		assertThat(this.recovery.recover()).isZero();
		gate.countDown();
		assertThat(handle.await(TIMEOUT)).isEqualTo("passed-by-" + instance());
		assertThat(EngineTestApplication.calls(instance() + ":fetch")).hasSize(2);
	}

	@Test
	void anOwnerWhoseStepWasWrittenByAnEarlierOwnerHandsTheRunBackToRecovery() throws Exception {
		CountDownLatch gate = EngineTestApplication.gate(instance(), "dup");
		RunHandle<String> handle = this.runs.start(() -> this.plans.gated("dup"));
		EngineTestApplication.awaitArrival(instance(), "dup");
		// an earlier owner's write of step 2 lands before this owner records its own
		assertThat(this.store.insertStep(handle.runId(), 1, step(2, "Tools.await", "[\"dup\"]", "\"written-earlier\"")))
			.isTrue();
		gate.countDown();
		await().atMost(TIMEOUT).until(() -> this.engine.runs().active(handle.runId()) == null);
		assertThat(this.runs.find(handle.runId()).orElseThrow().leaseUntil()).as("released, not kept")
			.isBefore(Instant.now());
		assertThat(this.recovery.recover()).isEqualTo(1);
		assertThat(handle.await(TIMEOUT)).isEqualTo("written-earlier");
		assertThat(this.runs.find(handle.runId()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
	}

	@Test
	void aRunOwnedHereButNotExecutedIsHandedOverAtTheNextRenewal() throws Exception {
		// as when the insert of a new run committed but its caller saw the connection
		// fail
		String id = UUID.randomUUID().toString();
		Instant now = Instant.now();
		this.store.insertRun(
				new NewRun(id, "three-steps", "1", "[\"orphan\"]", null, null, instance(), now, now.plusSeconds(3600)));
		this.recovery.renewLeases();
		RunView released = this.runs.find(id).orElseThrow();
		assertThat(released.owner()).isNull();
		assertThat(released.leaseUntil()).isBefore(Instant.now());
		assertThat(this.recovery.recover()).isEqualTo(1);
		assertThat(handle(id).await(TIMEOUT)).isEqualTo("data-data-orphan-3/three-steps");
		assertThat(this.runs.find(id).orElseThrow().recoveries()).isZero();
	}

	@Test
	void runThatKeepsCrashingItsExecutorIsFailedAndAnOperatorCanRetryIt() throws Exception {
		String id = heldRun("three-steps", "[\"z\"]");
		// its lease ends with the recoveries counted, so that no recovery pass in between
		// claims it
		new JdbcTemplate(this.dataSource).update(
				"UPDATE guarded_agents.guarded_run SET recoveries = 10, lease_until = ? WHERE id = ?",
				Timestamp.from(Instant.now().minusSeconds(1)), id);
		this.recovery.recover();
		RunView run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorType()).isEqualTo(RunRecovery.RECOVERY_LIMIT);
		assertThat(EngineTestApplication.calls).isEmpty();

		this.runs.retry(id, "ops");
		assertThat(handle(id).await(TIMEOUT)).as("an operator resumes a run the recovery limit stopped")
			.isEqualTo("data-data-z-3/three-steps");
		assertThat(this.runs.find(id).orElseThrow().recoveries()).isZero();
	}

	@Test
	void aCompensationThatKeepsCrashingItsExecutorIsFailedAsPartial() {
		String id = heldRun("three-steps", "[\"c\"]");
		new JdbcTemplate(this.dataSource).update(
				"UPDATE guarded_agents.guarded_run SET recoveries = 10, "
						+ "compensation = 'COMPENSATING', compensation_ending = 'FAILED', lease_until = ? WHERE id = ?",
				Timestamp.from(Instant.now().minusSeconds(1)), id);
		this.recovery.recover();
		RunView run = this.runs.find(id).orElseThrow();
		assertThat(run.status()).isEqualTo(RunStatus.FAILED);
		assertThat(run.errorType()).isEqualTo(RunRecovery.RECOVERY_LIMIT);
		assertThat(run.compensation()).isEqualTo(CompensationStatus.PARTIALLY_COMPENSATED);
	}

	@Test
	void secondStartWithTheSameKeyReturnsTheExistingRun() {
		Order order = new Order(UUID.randomUUID().toString(), "ann", 10);
		assertThat(this.plans.keyed(order)).isEqualTo(11);
		assertThat(this.plans.keyed(order)).isEqualTo(11);
		assertThat(EngineTestApplication.calls("engine:add")).hasSize(1);
		RunHandle<Integer> handle = this.runs.start(() -> this.plans.keyed(order));
		assertThat(handle.runId()).isEqualTo(latest("keyed").id());
		assertThat(latest("keyed").businessKey()).isEqualTo("customer-ann");
	}

	@Test
	void racingStartsWithTheSameKeyExecuteOnce() throws Exception {
		Order order = new Order(UUID.randomUUID().toString(), "bob", 100);
		CountDownLatch gate = EngineTestApplication.gate("engine", "keyed");
		CyclicBarrier barrier = new CyclicBarrier(2);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			List<Thread> callers = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				results.add(threads.submit(() -> {
					synchronized (callers) {
						callers.add(Thread.currentThread());
					}
					barrier.await();
					return this.plans.keyed(order);
				}));
			}
			EngineTestApplication.awaitArrival("engine", "keyed");
			await().atMost(TIMEOUT)
				.until(() -> callers.size() == 2
						&& callers.stream().allMatch((t) -> t.getState() != Thread.State.RUNNABLE));
			gate.countDown();
			assertThat(results.get(0).get()).isEqualTo(101);
			assertThat(results.get(1).get()).isEqualTo(101);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(EngineTestApplication.calls("engine:await")).hasSize(1);
		assertThat(EngineTestApplication.calls("engine:add")).hasSize(1);
	}

	@Test
	void asyncStartReturnsAHandleOnTheRun() throws Exception {
		RunHandle<String> handle = this.runs.start(() -> this.plans.threeSteps("async"));
		assertThat(handle.await(TIMEOUT)).isEqualTo("data-data-async-3/three-steps");
		assertThat(handle.status()).isEqualTo(RunStatus.SUCCEEDED);
		assertThat(this.runs.handle(handle.runId()).orElseThrow().await(TIMEOUT))
			.isEqualTo("data-data-async-3/three-steps");
	}

	@Test
	void asyncStartOfSomethingElseThanARunIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.runs.start(() -> "not a run"))
			.withMessageContaining("expects a call of an @AgentRun method");
	}

	@Test
	void argumentThatCannotBeStoredFailsTheStartBeforeAnythingRuns() {
		assertThatExceptionOfType(RunArgumentException.class)
			.isThrownBy(() -> this.plans.streaming(new ByteArrayInputStream(new byte[1])))
			.withMessageContaining("argument 'input' (parameter 1 of Plans.streaming, type java.io.InputStream)");
		assertThat(this.store.list(null, "streaming", null, 0, 1).total()).isZero();
	}

	@Test
	void cancelledRunStopsAtTheNextStepBoundary() throws Exception {
		CountDownLatch gate = EngineTestApplication.gate("engine", "cancel");
		RunHandle<String> handle = this.runs.start(() -> this.plans.gated("cancel"));
		EngineTestApplication.awaitArrival("engine", "cancel");
		assertThat(this.runs.cancel(handle.runId())).isTrue();
		assertThat(handle.status()).isEqualTo(RunStatus.CANCELLED);
		gate.countDown();
		assertThatExceptionOfType(RunCancelledException.class).isThrownBy(() -> handle.await(TIMEOUT));
		await().atMost(TIMEOUT).until(() -> this.store.findRun(handle.runId()).orElseThrow().status().isTerminal());
		assertThat(EngineTestApplication.calls).doesNotContain("engine:fetch:after-cancel");
		assertThat(this.runs.steps(handle.runId())).hasSize(1);
		assertThat(this.runs.cancel(handle.runId())).isFalse();
		assertThatExceptionOfType(RunNotFoundException.class).isThrownBy(() -> this.runs.cancel("no-such-run"));
	}

	private String schema() {
		return this.schemaInitializer.getSchema();
	}

	RunHandle<Object> handle(String id) {
		return this.runs.handle(id).orElseThrow();
	}

	private RunView latest(String name) {
		return this.store.list(null, name, null, 0, 1).runs().get(0).view();
	}

	/**
	 * A step as read back, to record again in another run.
	 */
	private static NewStep rerecorded(StepView step) {
		return new NewStep(step.seq(), step.kind(), step.name(), step.idempotencyKey(), step.startedAt(),
				step.duration(), step.input(), step.succeeded(), step.output(), step.errorType(), step.errorMessage(),
				step.attempts(), step.fellBack(), step.attemptErrors(), step.usage());
	}

	private NewStep step(int seq, String name, String input, String output) {
		return NewStep.succeeded(seq, StepKind.TOOL, name, "x/" + seq, Instant.now(), Duration.ofMillis(1), input,
				output);
	}

	/**
	 * Records a run as an instance that died mid-run would have left it: running, owned
	 * by that instance, lease expired, with the given journal.
	 */
	private String instance() {
		return this.engine.settings().instanceId();
	}

	/**
	 * Records a run a dead instance holds with a lease that has not ended yet.
	 */
	private String heldRun(String name, String arguments) {
		String id = UUID.randomUUID().toString();
		Instant now = Instant.now();
		this.store
			.insertRun(new NewRun(id, name, "1", arguments, null, null, "dead-instance", now, now.plusSeconds(3600)));
		return id;
	}

	String crashedRun(String name, String version, String arguments, NewStep... steps) {
		String id = UUID.randomUUID().toString();
		Instant now = Instant.now();
		this.store
			.insertRun(new NewRun(id, name, version, arguments, null, null, "dead-instance", now, now.minusSeconds(1)));
		for (NewStep step : steps) {
			assertThat(this.store.insertStep(id, 1, step)).isTrue();
		}
		return id;
	}

}
